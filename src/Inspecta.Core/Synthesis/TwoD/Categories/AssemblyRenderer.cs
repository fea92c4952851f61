namespace Inspecta.Synthesis.TwoD.Categories;

/// <summary>
/// A circuit-board-like assembly: chips, capacitors, a connector and resistors at fixed positions on a
/// board. Used for logical anomalies: missing or extra component (the count), misplaced component (the position),
/// wrong-coloured component, and a mixed capacitor series (the pairing). A board's three capacitors come from one
/// reel: all blue or all amber, both common on good boards; one capacitor of the other series is a logical anomaly
/// that no patch can show, since each capacitor on its own looks like a good one.
/// </summary>
public sealed class AssemblyRenderer : CategoryRenderer2D
{
    public override string Name => "assembly";
    public const string Capacitor = "capacitor";
    public override string Description => "assembly of components at fixed positions (PCB-like), logical anomalies";
    public override IReadOnlyList<string> DefectTypes => ["scratch", "contamination"];
    public override IReadOnlyList<string> LogicalTypes => ["missing_component", "extra_component", "misplaced_component", "wrong_colour", "mixed_series"];

    // Board-relative layout (units of the 256-px frame, origin at the board centre).
    private static readonly (string Kind, ComponentShape Shape, float X, float Y, float Hw, float Hh, Rgb Color)[] Parts =
    [
        ("chip", ComponentShape.Box, -38, -30, 22, 16, new Rgb(0.12f, 0.12f, 0.13f)),
        ("chip", ComponentShape.Box, 40, -30, 16, 16, new Rgb(0.12f, 0.12f, 0.13f)),
        ("capacitor", ComponentShape.Circle, -50, 30, 9, 9, new Rgb(0.25f, 0.35f, 0.75f)),
        ("capacitor", ComponentShape.Circle, -22, 30, 9, 9, new Rgb(0.25f, 0.35f, 0.75f)),
        ("capacitor", ComponentShape.Circle, 6, 30, 9, 9, new Rgb(0.25f, 0.35f, 0.75f)),
        ("connector", ComponentShape.Box, 44, 28, 14, 20, new Rgb(0.88f, 0.86f, 0.8f)),
        ("resistor", ComponentShape.Box, -60, -2, 7, 3.5f, new Rgb(0.6f, 0.42f, 0.22f)),
        ("resistor", ComponentShape.Box, -36, 2, 7, 3.5f, new Rgb(0.6f, 0.42f, 0.22f)),
        ("resistor", ComponentShape.Box, 4, 0, 7, 3.5f, new Rgb(0.6f, 0.42f, 0.22f)),
        ("resistor", ComponentShape.Box, 24, 2, 7, 3.5f, new Rgb(0.6f, 0.42f, 0.22f)),
    ];

    public const float BoardHalfWidth = 88, BoardHalfHeight = 64;

    /// <summary>The two capacitor series (reels) a board is equipped from; all capacitors of a good board share one.</summary>
    public static IReadOnlyList<Rgb> CapacitorSeries { get; } = [new Rgb(0.25f, 0.35f, 0.75f), new Rgb(0.62f, 0.42f, 0.12f)];

    /// <summary>Placement tolerance of a good part: offset per axis (256-px frame units) and turn (radians).</summary>
    public const float PlacementTolerance = 2.5f, RotationTolerance = 0.07f;

    public override SceneLayout2D CreateLayout(SynthRandom rng, int size)
    {
        float k = size / 256f;
        // The board lies in a fixture with some play: a few pixels of shift and a few degrees of turn.
        float cx = size / 2f + rng.Range(-6f, 6f) * k, cy = size / 2f + rng.Range(-6f, 6f) * k;
        float angle = rng.Range(-0.05f, 0.05f);
        var parts = new Component2D[Parts.Length];
        var series = CapacitorSeries[rng.Next(0, CapacitorSeries.Count)];
        float c = MathF.Cos(angle), s = MathF.Sin(angle);
        for (int i = 0; i < Parts.Length; i++)
        {
            var p = Parts[i];
            // Pick-and-place tolerance: each part shifts (±2.5 units) and turns (±4°) independently of the
            // others, so good boards differ pixel-wise around every part edge. A misplaced part moves to a free
            // spot clear of all others (FindFreeSpot), i.e. tens of units away — far beyond this tolerance.
            float x = (p.X + rng.Range(-PlacementTolerance, PlacementTolerance)) * k;
            float y = (p.Y + rng.Range(-PlacementTolerance, PlacementTolerance)) * k;
            float tone = rng.Range(0.93f, 1.07f);
            parts[i] = new Component2D(p.Kind, p.Shape, cx + c * x - s * y, cy + s * x + c * y, p.Hw * k, p.Hh * k,
                angle + rng.Range(-RotationTolerance, RotationTolerance), (p.Kind == Capacitor ? series : p.Color).Scale(tone));
        }
        return new SceneLayout2D(size, cx, cy, angle, 1f, Illumination.Random(rng, 1f), rng.NextUInt64(), parts) { Variant = rng.Range(-1f, 1f) };
    }

    private static float BoardDistance(SceneLayout2D l, float px, float py)
    {
        float k = l.Size / 256f;
        return Sdf2D.Box(px, py, l.CenterX, l.CenterY, BoardHalfWidth * k, BoardHalfHeight * k, l.Angle, 6f * k);
    }

    public override float SupportAt(SceneLayout2D l, float px, float py) => Sdf2D.Coverage(BoardDistance(l, px, py) + 2f);

    protected override Rgb BaseColor(SceneLayout2D l, GradientNoise noise, float px, float py)
    {
        var table = Rgb.Gray(0.55f + 0.04f * noise.Fbm(px * 0.04f, py * 0.04f, 3));
        float board = Sdf2D.Coverage(BoardDistance(l, px, py));
        float k = l.Size / 256f;
        // Copper traces: a fixed grid of thin lines in board coordinates.
        float c = MathF.Cos(l.Angle), s = MathF.Sin(l.Angle);
        float u = (c * (px - l.CenterX) + s * (py - l.CenterY)) / k, v = (-s * (px - l.CenterX) + c * (py - l.CenterY)) / k;
        float trace = MathF.Abs(((v + 200f) % 16f) - 8f) < 0.9f && MathF.Abs(u) < 70f ? 1f : 0f;
        var green = new Rgb(0.12f, 0.42f + 0.03f * l.Variant, 0.2f).Scale(1f + 0.06f * noise.Fbm(px * 0.3f, py * 0.3f, 2));
        var pcb = Rgb.Lerp(green, new Rgb(0.25f, 0.55f, 0.28f), 0.6f * trace);
        return Rgb.Lerp(table, pcb, board);
    }

    /// <summary>A free place on the board for an extra or misplaced part, clear of all others.</summary>
    public static (float X, float Y)? FindFreeSpot(SceneLayout2D l, Component2D part, SynthRandom rng)
    {
        float k = l.Size / 256f;
        float c = MathF.Cos(l.Angle), s = MathF.Sin(l.Angle);
        float reach = MathF.Max(part.HalfWidth, part.HalfHeight);
        for (int attempt = 0; attempt < 400; attempt++)
        {
            float bx = rng.Range(-BoardHalfWidth * k + reach + 4 * k, BoardHalfWidth * k - reach - 6 * k);
            float by = rng.Range(-BoardHalfHeight * k + reach + 4 * k, BoardHalfHeight * k - reach - 6 * k);
            float x = l.CenterX + c * bx - s * by, y = l.CenterY + s * bx + c * by;
            bool clear = true;
            foreach (var other in l.Components)
            {
                float gap = MathF.Sqrt((other.X - x) * (other.X - x) + (other.Y - y) * (other.Y - y));
                if (gap < reach + MathF.Max(other.HalfWidth, other.HalfHeight) + 6f * k) { clear = false; break; }
            }
            if (clear) return (x, y);
        }
        return null;
    }
}
