namespace Inspecta.Imaging;

/// <summary>
/// A float32 image stored planar (channel-major: C × H × W). Intensities of decoded 8/16-bit images
/// are scaled to [0, 1]; float TIFFs keep their raw values.
/// </summary>
public sealed class ImageF
{
    public int Channels { get; }
    public int Height { get; }
    public int Width { get; }
    public float[] Data { get; }

    public ImageF(int channels, int height, int width) : this(channels, height, width, new float[checked(channels * height * width)]) { }

    public ImageF(int channels, int height, int width, float[] data)
    {
        if (channels <= 0 || height <= 0 || width <= 0)
            throw new ArgumentOutOfRangeException(nameof(channels), $"Image dimensions must be positive, got {channels}×{height}×{width}.");
        if (data.Length != channels * height * width)
            throw new ArgumentException($"Data length {data.Length} does not match {channels}×{height}×{width}.", nameof(data));
        Channels = channels; Height = height; Width = width; Data = data;
    }

    public int PlaneSize => Height * Width;
    public Span<float> Plane(int c) => Data.AsSpan(c * PlaneSize, PlaneSize);
    public Span<float> Row(int c, int y) => Data.AsSpan(c * PlaneSize + y * Width, Width);

    public float this[int c, int y, int x]
    {
        get => Data[(c * Height + y) * Width + x];
        set => Data[(c * Height + y) * Width + x] = value;
    }

    public ImageF Clone() => new(Channels, Height, Width, (float[])Data.Clone());
    public override string ToString() => $"ImageF({Channels}×{Height}×{Width})";
}
