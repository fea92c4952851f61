using Inspecta.Synthesis.TwoD;

namespace Inspecta.Synthesis.ThreeD.Scan;

/// <summary>Types of MVTec 3D-AD-style defects: geometric ones change the surface; contamination only the colour.</summary>
public static class ScanDefectTypes
{
    public const string Dent = "dent", Bump = "bump", Hole = "hole", Cut = "cut", Contamination = "contamination";
    public static IReadOnlyList<string> All { get; } = [Dent, Bump, Hole, Cut, Contamination];
}

/// <summary>
/// One defect, in object coordinates: a change of height and/or colour in a local region.
/// </summary>
public sealed record ScanDefect(string Type, float X, float Y, float Radius, float Amount, float Direction)
{
    /// <summary>The height after the defect, given the defect-free height <paramref name="h"/>.</summary>
    public float ModifyHeight(float x, float y, float h)
    {
        if (h <= 0) return h;
        float dx = x - X, dy = y - Y;
        switch (Type)
        {
            case ScanDefectTypes.Dent:
            case ScanDefectTypes.Bump:
            {
                float q = (dx * dx + dy * dy) / (Radius * Radius);
                if (q >= 1) return h;
                float w = (1 - q) * (1 - q);
                return MathF.Max(0, h + (Type == ScanDefectTypes.Bump ? Amount : -Amount) * w);
            }
            case ScanDefectTypes.Hole:
                // A round pit with steep walls, deep enough to reach the plane on thin parts.
                return dx * dx + dy * dy < Radius * Radius ? MathF.Max(0, h - Amount) : h;
            case ScanDefectTypes.Cut:
            {
                float ux = MathF.Cos(Direction), uy = MathF.Sin(Direction);
                float along = dx * ux + dy * uy, across = MathF.Abs(-dx * uy + dy * ux);
                float width = Radius * 0.18f;
                if (MathF.Abs(along) > Radius || across >= width) return h;
                return MathF.Max(0, h - Amount * (1 - across / width));   // V-shaped groove
            }
            default:
                return h;
        }
    }

    /// <summary>Colour change (contamination): a dark stain with an irregular outline, as coverage 0..1.</summary>
    public float StainCoverage(float x, float y, GradientNoise noise, float pixelSize)
    {
        if (Type != ScanDefectTypes.Contamination) return 0;
        float dx = x - X, dy = y - Y;
        float r = Radius * (1 + 0.35f * noise.Sample(x / Radius * 1.7f + 31, y / Radius * 1.7f));
        float d = (MathF.Sqrt(dx * dx + dy * dy) - r) / pixelSize;
        return Sdf2D.Coverage(d);
    }

    public static readonly Rgb StainColor = new(0.16f, 0.14f, 0.12f);
}
