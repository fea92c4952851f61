namespace Inspecta.Synthesis.TwoD.Categories;

/// <summary>An elongated screw-like part placed at a random rotation and position.</summary>
public sealed class ScrewRenderer : CategoryRenderer2D
{
    public override string Name => "screw";
    public override string Description => "elongated screw-like part at random rotation";
    public override IReadOnlyList<string> DefectTypes => ["scratch", "deformation", "contamination"];

    public override SceneLayout2D CreateLayout(SynthRandom rng, int size)
    {
        float k = size / 256f;
        return new SceneLayout2D(size, size / 2f + rng.Range(-22f, 22f) * k, size / 2f + rng.Range(-22f, 22f) * k,
            rng.Range(0f, MathF.Tau), rng.Range(0.95f, 1.05f), Illumination.Random(rng, 1f), rng.NextUInt64(), [])
        { Variant = rng.Range(-1f, 1f) };
    }

    private static (float Along, float Across, float Length, float Half, float HeadR) Frame(SceneLayout2D l, float px, float py)
    {
        float k = l.Size / 256f * l.Scale;
        float c = MathF.Cos(l.Angle), s = MathF.Sin(l.Angle);
        float dx = px - l.CenterX, dy = py - l.CenterY;
        return (c * dx + s * dy, -s * dx + c * dy, 70f * k, 10f * k, 17f * k);
    }

    private static float BodyDistance(SceneLayout2D l, float px, float py)
    {
        var (a, b, len, half, head) = Frame(l, px, py);
        // Shaft tapers towards the tip; the head is a rounded disc at the other end.
        float t = Math.Clamp((a + len) / (2 * len), 0f, 1f);
        float halfHere = half * (t > 0.85f ? 1f - (t - 0.85f) / 0.15f * 0.75f : 1f);
        float shaft = MathF.Max(MathF.Abs(b) - halfHere, MathF.Max(-len - a, a - len));
        float headD = Sdf2D.Box(a, b, -len - head * 0.3f, 0, head * 0.55f, head, 0, head * 0.35f);
        return MathF.Min(shaft, headD);
    }

    public override float SupportAt(SceneLayout2D l, float px, float py) => Sdf2D.Coverage(BodyDistance(l, px, py) + 1.5f);

    protected override Rgb BaseColor(SceneLayout2D l, GradientNoise noise, float px, float py)
    {
        var background = Rgb.Gray(0.72f + 0.03f * noise.Fbm(px * 0.05f, py * 0.05f, 3));
        float d = BodyDistance(l, px, py);
        float body = Sdf2D.Coverage(d);
        if (body <= 0) return background;
        var (a, b, len, half, _) = Frame(l, px, py);
        float pitch = 6.5f * l.Size / 256f * l.Scale;
        bool onShaft = a > -len;
        float thread = onShaft ? 0.5f + 0.5f * MathF.Sin((a + 0.35f * b) / pitch * MathF.Tau) : 0.5f;
        float roundness = 1f - MathF.Min(1f, MathF.Abs(b) / (onShaft ? half : half * 1.7f));
        float v = 0.22f + 0.1f * l.Variant * 0.5f + 0.28f * roundness + (onShaft ? 0.16f * thread : 0.08f) + 0.03f * noise.Sample(px * 0.6f, py * 0.6f);
        return Rgb.Lerp(background, Rgb.Gray(v), body);
    }
}
