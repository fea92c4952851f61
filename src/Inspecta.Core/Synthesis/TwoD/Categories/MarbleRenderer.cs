namespace Inspecta.Synthesis.TwoD.Categories;

/// <summary>Random structured texture (marble veins over a leather-like grain): every sample is a new texture.</summary>
public sealed class MarbleRenderer : CategoryRenderer2D
{
    public override string Name => "marble";
    public override bool IsTexture => true;
    public override string Description => "random structured-noise texture (marble/leather-like)";
    public override IReadOnlyList<string> DefectTypes => ["crack", "scratch", "contamination", "color", "hole"];

    public override SceneLayout2D CreateLayout(SynthRandom rng, int size) =>
        new(size, rng.Range(0, 200), rng.Range(0, 200), rng.Range(0, MathF.Tau), rng.Range(0.9f, 1.1f),
            Illumination.Random(rng, 1f), rng.NextUInt64(), []) { Variant = rng.Range(-1f, 1f) };

    public override float SupportAt(SceneLayout2D layout, float px, float py) => 1f;

    protected override Rgb BaseColor(SceneLayout2D l, GradientNoise noise, float px, float py)
    {
        float k = 256f / l.Size / l.Scale;
        float x = px * k, y = py * k;
        float turbulence = noise.Fbm(x / 48f + l.CenterX, y / 48f + l.CenterY, 5);
        float dir = MathF.Cos(l.Angle) * x + MathF.Sin(l.Angle) * y;
        float vein = MathF.Abs(MathF.Sin(dir / 22f + 6f * turbulence));
        vein = MathF.Pow(vein, 0.35f);                       // thin dark veins, broad light body
        float grain = 0.05f * noise.Fbm(x / 3f, y / 3f, 2);  // leather-like fine grain
        float cloud = 0.08f * noise.Fbm(x / 90f - l.CenterY, y / 90f + l.CenterX, 3);
        float v = 0.35f + 0.5f * vein + grain + cloud;
        var tint = new Rgb(0.92f + 0.05f * l.Variant, 0.88f, 0.82f - 0.06f * l.Variant);
        return tint.Scale(v);
    }
}
