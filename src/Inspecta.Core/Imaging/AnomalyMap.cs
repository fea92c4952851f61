namespace Inspecta.Imaging;

/// <summary>Per-pixel anomaly scores, float32 H × W. Higher means more anomalous.</summary>
public sealed class AnomalyMap
{
    public int Height { get; }
    public int Width { get; }
    public float[] Data { get; }

    public AnomalyMap(int height, int width) : this(height, width, new float[checked(height * width)]) { }

    public AnomalyMap(int height, int width, float[] data)
    {
        if (height <= 0 || width <= 0) throw new ArgumentOutOfRangeException(nameof(height), $"Map size must be positive, got {height}×{width}.");
        if (data.Length != height * width) throw new ArgumentException($"Data length {data.Length} does not match {height}×{width}.", nameof(data));
        Height = height; Width = width; Data = data;
    }

    public float this[int y, int x] { get => Data[y * Width + x]; set => Data[y * Width + x] = value; }

    public float Max() => System.Numerics.Tensors.TensorPrimitives.Max<float>(Data);

    /// <summary>Views the map as a single-channel image sharing the same buffer.</summary>
    public ImageF AsImage() => new(1, Height, Width, Data);

    public static AnomalyMap FromImage(ImageF image)
    {
        if (image.Channels != 1) throw new ArgumentException($"An anomaly map has one channel, got {image.Channels}.", nameof(image));
        return new AnomalyMap(image.Height, image.Width, image.Data);
    }

    public override string ToString() => $"AnomalyMap({Height}×{Width})";
}
