namespace Inspecta.Synthesis.TwoD.Categories;

/// <summary>An aligned round object: a brushed metal flange with a bore and a ring of bolts, with pose jitter.</summary>
public sealed class FlangeRenderer : CategoryRenderer2D
{
    public const int BoltCount = 6;

    public override string Name => "flange";
    public override string Description => "aligned round object (flange with bolts)";
    public override IReadOnlyList<string> DefectTypes => ["scratch", "contamination", "deformation", "color", "missing_component"];

    public override SceneLayout2D CreateLayout(SynthRandom rng, int size)
    {
        float k = size / 256f;
        float cx = size / 2f + rng.Range(-7f, 7f) * k, cy = size / 2f + rng.Range(-7f, 7f) * k;
        float angle = rng.Range(-0.09f, 0.09f), scale = rng.Range(0.97f, 1.03f);
        var bolts = new Component2D[BoltCount];
        for (int i = 0; i < BoltCount; i++)
        {
            float a = angle + i * MathF.Tau / BoltCount;
            float r = 64f * k * scale;
            bolts[i] = new Component2D("bolt", ComponentShape.Circle, cx + r * MathF.Cos(a), cy + r * MathF.Sin(a),
                8.5f * k * scale, 8.5f * k * scale, 0, new Rgb(0.62f, 0.63f, 0.66f));
        }
        return new SceneLayout2D(size, cx, cy, angle, scale, Illumination.Random(rng, 1f), rng.NextUInt64(), bolts) { Variant = rng.Range(-1f, 1f) };
    }

    private static float Radius(SceneLayout2D l) => 92f * l.Size / 256f * l.Scale;
    private static float Bore(SceneLayout2D l) => 26f * l.Size / 256f * l.Scale;

    public override float SupportAt(SceneLayout2D l, float px, float py)
    {
        float d = Sdf2D.Circle(px, py, l.CenterX, l.CenterY, Radius(l) - 2f);
        float bore = Sdf2D.Circle(px, py, l.CenterX, l.CenterY, Bore(l) + 3f);
        return Sdf2D.Coverage(MathF.Max(d, -bore));
    }

    protected override Rgb BaseColor(SceneLayout2D l, GradientNoise noise, float px, float py)
    {
        float dx = px - l.CenterX, dy = py - l.CenterY;
        float r = MathF.Sqrt(dx * dx + dy * dy);
        var table = Rgb.Gray(0.18f + 0.03f * noise.Fbm(px * 0.08f, py * 0.08f, 3));
        float body = Sdf2D.Coverage(r - Radius(l));
        float bore = Sdf2D.Coverage(r - Bore(l));
        if (body <= 0) return table;
        // Brushed finish: noise stretched along the circumference, so it follows the part's rotation.
        float theta = MathF.Atan2(dy, dx) - l.Angle;
        float brushed = 0.05f * noise.Fbm(r * 0.9f, theta * 3f, 3);
        float ring = r > Radius(l) - 6f * l.Size / 256f ? -0.1f : 0f;              // chamfer at the rim
        float groove = MathF.Abs(r - 0.72f * Radius(l)) < 1.5f * l.Size / 256f ? -0.15f : 0f;
        float v = 0.62f + 0.08f * l.Variant + brushed + ring + groove - 0.1f * (dx + dy) / Radius(l) * 0.5f;
        var metal = new Rgb(v, v * 0.98f, v * 0.94f);
        var hole = Rgb.Gray(0.07f);
        return Rgb.Lerp(table, Rgb.Lerp(metal, hole, bore), body);
    }
}
