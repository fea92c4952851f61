namespace Inspecta.Imaging;

/// <summary>A binary (or label) mask, H × W bytes; non-zero means "defect" for ground truth.</summary>
public sealed class Mask
{
    public int Height { get; }
    public int Width { get; }
    public byte[] Data { get; }

    public Mask(int height, int width) : this(height, width, new byte[checked(height * width)]) { }

    public Mask(int height, int width, byte[] data)
    {
        if (height <= 0 || width <= 0) throw new ArgumentOutOfRangeException(nameof(height), $"Mask size must be positive, got {height}×{width}.");
        if (data.Length != height * width) throw new ArgumentException($"Data length {data.Length} does not match {height}×{width}.", nameof(data));
        Height = height; Width = width; Data = data;
    }

    public byte this[int y, int x] { get => Data[y * Width + x]; set => Data[y * Width + x] = value; }

    public int CountNonZero()
    {
        int n = 0;
        foreach (byte b in Data) if (b != 0) n++;
        return n;
    }

    public override string ToString() => $"Mask({Height}×{Width})";
}
