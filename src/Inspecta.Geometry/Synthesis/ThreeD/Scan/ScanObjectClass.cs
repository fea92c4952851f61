using Inspecta.Synthesis.TwoD;

namespace Inspecta.Synthesis.ThreeD.Scan;

/// <summary>
/// An object class for MVTec 3D-AD-style scans: a height field over the supporting plane (metres, in
/// object coordinates) and its surface colour. Instances vary through the noise seed and scale.
/// </summary>
public abstract class ScanObjectClass
{
    public abstract string Name { get; }
    public abstract string Description { get; }
    /// <summary>Radius (m) of a circle around the origin that contains the object's footprint.</summary>
    public abstract float Extent { get; }
    /// <summary>Height (m) above the plane at object coordinates (x, y); 0 off the object.</summary>
    public abstract float Height(float x, float y, GradientNoise noise);
    public abstract Rgb Albedo(float x, float y, GradientNoise noise);

    public static IReadOnlyList<ScanObjectClass> All { get; } = [new DiscObject(), new RingObject(), new BlobObject()];

    public static ScanObjectClass Get(string name) =>
        All.FirstOrDefault(c => c.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
        ?? throw new InspectaUserException($"Unknown 3D scan category '{name}'. Known: {string.Join(", ", All.Select(c => c.Name))}.");

    /// <summary>A flat round puck with a rounded rim and a lightly textured top (cookie-like).</summary>
    private sealed class DiscObject : ScanObjectClass
    {
        public override string Name => "disc";
        public override string Description => "flat round puck with rounded rim";
        public override float Extent => 0.05f;
        public override float Height(float x, float y, GradientNoise noise)
        {
            float r = MathF.Sqrt(x * x + y * y) / (0.04f * (1 + 0.03f * noise.Sample(MathF.Atan2(y, x) * 2f, 0.5f)));
            if (r >= 1) return 0;
            float rim = r < 0.85f ? 1f : MathF.Sqrt(1 - (r - 0.85f) * (r - 0.85f) / (0.15f * 0.15f));
            return 0.011f * rim + 0.0006f * noise.Fbm(x * 150, y * 150, 3);
        }
        public override Rgb Albedo(float x, float y, GradientNoise noise)
        {
            float t = 0.5f + 0.5f * noise.Fbm(x * 120 + 9, y * 120, 3);
            return Rgb.Lerp(new Rgb(0.78f, 0.58f, 0.32f), new Rgb(0.62f, 0.4f, 0.2f), t);
        }
    }

    /// <summary>A ring (bagel-like torus) lying on the plane.</summary>
    private sealed class RingObject : ScanObjectClass
    {
        public override string Name => "ring";
        public override string Description => "ring-shaped object (torus lying on the plane)";
        public override float Extent => 0.055f;
        public override float Height(float x, float y, GradientNoise noise)
        {
            float r = MathF.Sqrt(x * x + y * y);
            float d = MathF.Abs(r - 0.03f) / (0.014f * (1 + 0.05f * noise.Sample(x * 60, y * 60)));
            if (d >= 1) return 0;
            return 0.013f * MathF.Sqrt(1 - d * d);
        }
        public override Rgb Albedo(float x, float y, GradientNoise noise)
        {
            float t = 0.5f + 0.5f * noise.Fbm(x * 90, y * 90 + 4, 3);
            return Rgb.Lerp(new Rgb(0.72f, 0.5f, 0.28f), new Rgb(0.5f, 0.32f, 0.16f), t);
        }
    }

    /// <summary>An irregular ellipsoidal blob (potato-like), different in shape for every instance.</summary>
    private sealed class BlobObject : ScanObjectClass
    {
        public override string Name => "blob";
        public override string Description => "irregular ellipsoidal blob";
        public override float Extent => 0.06f;
        public override float Height(float x, float y, GradientNoise noise)
        {
            float wobble = 1 + 0.12f * noise.Sample(x * 30, y * 30);
            float q = (x * x) / (0.045f * 0.045f) + (y * y) / (0.03f * 0.03f);
            q /= wobble * wobble;
            if (q >= 1) return 0;
            return 0.024f * MathF.Sqrt(1 - q) * (1 + 0.04f * noise.Fbm(x * 80, y * 80, 2));
        }
        public override Rgb Albedo(float x, float y, GradientNoise noise)
        {
            float t = 0.5f + 0.5f * noise.Fbm(x * 200, y * 200, 2);
            return Rgb.Lerp(new Rgb(0.7f, 0.6f, 0.4f), new Rgb(0.55f, 0.45f, 0.3f), t);
        }
    }
}
