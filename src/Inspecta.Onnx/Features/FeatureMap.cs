namespace Inspecta.Features;

/// <summary>
/// A batch of feature maps from one backbone output, float32 planar N × C × H × W (the ONNX NCHW
/// layout, so a map is copied once out of the runtime and never transposed).
/// </summary>
public sealed class FeatureMap
{
    public int Batch { get; }
    public int Channels { get; }
    public int Height { get; }
    public int Width { get; }
    public float[] Data { get; }

    public FeatureMap(int batch, int channels, int height, int width)
        : this(batch, channels, height, width, new float[checked(batch * channels * height * width)]) { }

    public FeatureMap(int batch, int channels, int height, int width, float[] data)
    {
        if (batch <= 0 || channels <= 0 || height <= 0 || width <= 0)
            throw new ArgumentOutOfRangeException(nameof(batch), $"Feature map dimensions must be positive, got {batch}×{channels}×{height}×{width}.");
        if (data.Length != (long)batch * channels * height * width)
            throw new ArgumentException($"Data length {data.Length} does not match {batch}×{channels}×{height}×{width}.", nameof(data));
        Batch = batch; Channels = channels; Height = height; Width = width; Data = data;
    }

    public int PlaneSize => Height * Width;
    public int ItemSize => Channels * PlaneSize;

    /// <summary>All channels of batch item <paramref name="n"/> (C × H × W).</summary>
    public Span<float> Item(int n) => Data.AsSpan(n * ItemSize, ItemSize);

    /// <summary>One channel plane (H × W) of batch item <paramref name="n"/>.</summary>
    public Span<float> Plane(int n, int c) => Data.AsSpan(n * ItemSize + c * PlaneSize, PlaneSize);

    /// <summary>Copies batch item <paramref name="n"/> into its own single-item map.</summary>
    public FeatureMap Slice(int n) => new(1, Channels, Height, Width, Item(n).ToArray());

    /// <summary>The map without <paramref name="cells"/> cells on every side (e.g. the features of a reflected margin).</summary>
    public FeatureMap CropBorder(int cells)
    {
        if (cells == 0) return this;
        if (cells < 0 || 2 * cells >= Height || 2 * cells >= Width)
            throw new ArgumentOutOfRangeException(nameof(cells), $"Cannot crop {cells} cells from each side of a {Height}×{Width} map.");
        int h = Height - 2 * cells, w = Width - 2 * cells;
        var cropped = new FeatureMap(Batch, Channels, h, w);
        for (int n = 0; n < Batch; n++)
            for (int c = 0; c < Channels; c++)
            {
                var src = Plane(n, c);
                var dst = cropped.Plane(n, c);
                for (int y = 0; y < h; y++) src.Slice((y + cells) * Width + cells, w).CopyTo(dst.Slice(y * w, w));
            }
        return cropped;
    }

    public override string ToString() => $"FeatureMap({Batch}×{Channels}×{Height}×{Width})";
}
