namespace Inspecta.Synthesis.TwoD.Categories;

/// <summary>Regular woven fabric: over/under threads with random phase, slight rotation, yarn irregularity.</summary>
public sealed class WeaveRenderer : CategoryRenderer2D
{
    public override string Name => "weave";
    public override bool IsTexture => true;
    public override string Description => "regular woven/grid texture";
    public override IReadOnlyList<string> DefectTypes => ["hole", "contamination", "color", "deformation", "scratch"];

    public override SceneLayout2D CreateLayout(SynthRandom rng, int size) =>
        new(size, rng.Range(0, 1000), rng.Range(0, 1000), rng.Range(-0.05f, 0.05f), rng.Range(0.95f, 1.05f),
            Illumination.Random(rng, 1f), rng.NextUInt64(), []) { Variant = rng.Range(-1f, 1f) };

    public override float SupportAt(SceneLayout2D layout, float px, float py) => 1f;

    protected override Rgb BaseColor(SceneLayout2D l, GradientNoise noise, float px, float py)
    {
        float period = 12f * l.Scale * l.Size / 256f;
        float c = MathF.Cos(l.Angle), s = MathF.Sin(l.Angle);
        float u = (c * px + s * py) / period + l.CenterX, v = (-s * px + c * py) / period + l.CenterY;
        // Yarn wobble: threads are not perfectly straight.
        u += 0.08f * noise.Sample(v * 0.35f, 3.1f); v += 0.08f * noise.Sample(u * 0.35f, 7.3f);
        int iu = (int)MathF.Floor(u), iv = (int)MathF.Floor(v);
        float fu = u - iu, fv = v - iv;
        bool warpOnTop = ((iu + iv) & 1) == 0;
        float warp = MathF.Max(0, MathF.Cos((fu - 0.5f) * MathF.PI * 1.15f));   // vertical thread profile
        float weft = MathF.Max(0, MathF.Cos((fv - 0.5f) * MathF.PI * 1.15f));   // horizontal thread profile
        float along = warpOnTop ? MathF.Sin(fv * MathF.PI) : MathF.Sin(fu * MathF.PI);
        float height = warpOnTop ? MathF.Max(warp * (0.6f + 0.4f * along), weft * 0.5f) : MathF.Max(weft * (0.6f + 0.4f * along), warp * 0.5f);
        float fibre = 0.06f * noise.Fbm(px * 0.45f, py * 0.45f, 3);
        float k = 0.28f + 0.62f * height + fibre;
        var tint = new Rgb(0.78f + 0.1f * l.Variant, 0.72f, 0.62f - 0.08f * l.Variant);
        return tint.Scale(k);
    }
}
