namespace Inspecta.Synthesis.TwoD.Categories;

/// <summary>Ceramic tiles with grout lines: random phase and per-tile colour, speckled glaze.</summary>
public sealed class TilesRenderer : CategoryRenderer2D
{
    public override string Name => "tiles";
    public override bool IsTexture => true;
    public override string Description => "tiles with grout, per-tile colour variation";
    public override IReadOnlyList<string> DefectTypes => ["crack", "hole", "contamination", "color"];

    public override SceneLayout2D CreateLayout(SynthRandom rng, int size) =>
        new(size, rng.Range(0, 64), rng.Range(0, 64), rng.Range(-0.035f, 0.035f), rng.Range(0.95f, 1.05f),
            Illumination.Random(rng, 1f), rng.NextUInt64(), []) { Variant = rng.Range(-1f, 1f) };

    /// <summary>Defects lie on the glaze, not in the grout.</summary>
    public override float SupportAt(SceneLayout2D l, float px, float py) => Sdf2D.Coverage(-GroutDistance(l, px, py));

    private static float GroutDistance(SceneLayout2D l, float px, float py)
    {
        float tile = 64f * l.Scale * l.Size / 256f;
        float c = MathF.Cos(l.Angle), s = MathF.Sin(l.Angle);
        float u = c * px + s * py + l.CenterX, v = -s * px + c * py + l.CenterY;
        float fu = u - tile * MathF.Floor(u / tile), fv = v - tile * MathF.Floor(v / tile);
        float edge = MathF.Min(MathF.Min(fu, tile - fu), MathF.Min(fv, tile - fv));
        return edge - 2.0f * l.Size / 256f; // positive on glaze
    }

    protected override Rgb BaseColor(SceneLayout2D l, GradientNoise noise, float px, float py)
    {
        float tile = 64f * l.Scale * l.Size / 256f;
        float c = MathF.Cos(l.Angle), s = MathF.Sin(l.Angle);
        float u = c * px + s * py + l.CenterX, v = -s * px + c * py + l.CenterY;
        int iu = (int)MathF.Floor(u / tile), iv = (int)MathF.Floor(v / tile);
        float tileTone = 0.07f * noise.Sample(iu * 0.71f + 0.3f, iv * 0.71f + 0.6f);
        float speckle = 0.05f * noise.Fbm(px * 0.5f, py * 0.5f, 2) + 0.04f * noise.Fbm(u / tile * 2.5f, v / tile * 2.5f, 2);
        var glaze = new Rgb(0.70f + 0.06f * l.Variant, 0.76f, 0.82f - 0.05f * l.Variant).Scale(1f + tileTone + speckle);
        var grout = Rgb.Gray(0.3f + 0.04f * noise.Sample(px * 0.3f, py * 0.3f));
        float onGlaze = Sdf2D.Coverage(-GroutDistance(l, px, py));
        return Rgb.Lerp(grout, glaze, onGlaze);
    }
}
