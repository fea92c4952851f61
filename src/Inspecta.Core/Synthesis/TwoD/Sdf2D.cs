namespace Inspecta.Synthesis.TwoD;

/// <summary>
/// Signed distance functions in pixel units (negative inside) and the anti-aliased coverage they imply.
/// Rendering every shape through a distance keeps edges anti-aliased over exactly one pixel, which is
/// what lets ground-truth masks match the changed pixels "up to anti-aliasing".
/// </summary>
public static class Sdf2D
{
    /// <summary>Fraction of a pixel covered by a shape whose signed distance at the pixel centre is <paramref name="d"/>.</summary>
    public static float Coverage(float d) => Math.Clamp(0.5f - d, 0f, 1f);

    public static float Circle(float px, float py, float cx, float cy, float r) =>
        MathF.Sqrt((px - cx) * (px - cx) + (py - cy) * (py - cy)) - r;

    /// <summary>Rotated box with half sizes (hw, hh) and corner radius <paramref name="round"/>.</summary>
    public static float Box(float px, float py, float cx, float cy, float hw, float hh, float angle, float round = 0)
    {
        float c = MathF.Cos(angle), s = MathF.Sin(angle);
        float dx = px - cx, dy = py - cy;
        float lx = MathF.Abs(c * dx + s * dy) - (hw - round), ly = MathF.Abs(-s * dx + c * dy) - (hh - round);
        float outside = MathF.Sqrt(MathF.Max(lx, 0) * MathF.Max(lx, 0) + MathF.Max(ly, 0) * MathF.Max(ly, 0));
        return outside + MathF.Min(MathF.Max(lx, ly), 0) - round;
    }

    /// <summary>Distance to the segment a–b (unsigned).</summary>
    public static float Segment(float px, float py, float ax, float ay, float bx, float by)
    {
        float vx = bx - ax, vy = by - ay, wx = px - ax, wy = py - ay;
        float len2 = vx * vx + vy * vy;
        float t = len2 > 0 ? Math.Clamp((wx * vx + wy * vy) / len2, 0f, 1f) : 0f;
        float dx = wx - t * vx, dy = wy - t * vy;
        return MathF.Sqrt(dx * dx + dy * dy);
    }

    /// <summary>Distance to a polyline given as interleaved points (x0,y0,x1,y1,…).</summary>
    public static float Polyline(float px, float py, ReadOnlySpan<float> points)
    {
        float best = float.MaxValue;
        for (int i = 0; i + 3 < points.Length; i += 2)
            best = MathF.Min(best, Segment(px, py, points[i], points[i + 1], points[i + 2], points[i + 3]));
        return best;
    }
}
