using Inspecta.Imaging;

namespace Inspecta.Synthesis.TwoD.Defects;

/// <summary>
/// Paints surface defects (scratch, crack, hole, contamination, colour, deformation) onto a clean
/// albedo image: each defect is a coverage field α and an appearance A, and the result is
/// clean·(1−α) + A·α. Defects are placed on the category's support (the object surface).
/// </summary>
public static class SurfaceDefectPainter
{
    public static DefectRendering2D Paint(string type, ImageF clean, float[] support, SynthRandom rng)
    {
        int n = clean.Width;
        float k = n / 256f;
        var (cx, cy) = PickCentre(support, n, rng, margin: 30f * k);
        var noise = new GradientNoise(rng.Fork(11));
        var coverage = new float[n * n];
        var result = clean.Clone();
        int plane = n * n;
        switch (type)
        {
            case DefectTypes2D.Scratch:
            case DefectTypes2D.Crack:
            {
                bool crack = type == DefectTypes2D.Crack;
                var line = crack ? CrackPath(cx, cy, k, rng) : ScratchPath(cx, cy, k, rng);
                float width = crack ? rng.Range(1.4f, 2.2f) * k : rng.Range(1.2f, 2.4f) * k;
                ForEachPixel(n, (x, y, i) =>
                {
                    float d = Sdf2D.Polyline(x + 0.5f, y + 0.5f, line) - width / 2;
                    coverage[i] = Sdf2D.Coverage(d) * support[i];
                });
                PruneIsolatedRim(coverage, n);
                // Moderate contrast on purpose: the marks stay inside the intensity range of good texture,
                // so only their shape gives them away (a per-pixel model must not find them trivially).
                Blend(clean, result, coverage, (v, _) => crack ? v * 0.4f : v > 0.45f ? v * 0.55f : MathF.Min(1f, v + 0.3f));
                break;
            }
            case DefectTypes2D.Hole:
            {
                float r = rng.Range(5f, 11f) * k;
                ForEachPixel(n, (x, y, i) =>
                {
                    float px = x + 0.5f, py = y + 0.5f;
                    float d = Sdf2D.Circle(px, py, cx, cy, r * (1f + 0.25f * noise.Sample(px / (6f * k), py / (6f * k))));
                    coverage[i] = Sdf2D.Coverage(d) * support[i];
                });
                PruneIsolatedRim(coverage, n);
                // Dark interior, brighter rim where light catches the torn edge.
                Blend(clean, result, coverage, (_, i) =>
                {
                    float px = i % n + 0.5f, py = i / n + 0.5f;
                    float rr = MathF.Sqrt((px - cx) * (px - cx) + (py - cy) * (py - cy)) / r;
                    return rr > 0.8f ? 0.32f : 0.05f + 0.05f * rr;
                });
                break;
            }
            case DefectTypes2D.Contamination:
            case DefectTypes2D.Color:
            {
                bool stain = type == DefectTypes2D.Contamination;
                float r = rng.Range(8f, 18f) * k;
                float rough = stain ? 0.45f : 0.25f;
                ForEachPixel(n, (x, y, i) =>
                {
                    float px = x + 0.5f, py = y + 0.5f;
                    float d = Sdf2D.Circle(px, py, cx, cy, r * (1f + rough * noise.Fbm(px / (9f * k), py / (9f * k), 3)));
                    coverage[i] = Sdf2D.Coverage(d) * support[i];
                });
                PruneIsolatedRim(coverage, n);
                if (stain)
                {
                    // Pick the stain colour that contrasts most with the surface under it.
                    Rgb[] palette = [new(0.35f, 0.22f, 0.1f), new(0.08f, 0.08f, 0.08f), new(0.85f, 0.8f, 0.55f), new(0.55f, 0.6f, 0.62f)];
                    Rgb mean = MeanUnder(clean, coverage);
                    // A random stain colour that differs clearly from the surface under it (not always the most extreme one).
                    var candidates = palette.Where(p => MathF.Abs(p.R - mean.R) + MathF.Abs(p.G - mean.G) + MathF.Abs(p.B - mean.B) > 0.35f).ToArray();
                    Rgb color = candidates.Length > 0 ? rng.Pick(candidates) : palette.MaxBy(p => MathF.Abs(p.R - mean.R) + MathF.Abs(p.G - mean.G) + MathF.Abs(p.B - mean.B));
                    float opacity = rng.Range(0.65f, 0.9f);
                    for (int ch = 0; ch < 3; ch++)
                    {
                        var src = clean.Plane(ch); var dst = result.Plane(ch);
                        for (int i = 0; i < plane; i++)
                        {
                            if (coverage[i] <= 0) continue;
                            float px = i % n, py = i / n;
                            float a = coverage[i] * opacity;
                            float tex = 1f + 0.2f * noise.Sample(px / (3f * k) + 40f, py / (3f * k));
                            dst[i] = src[i] * (1 - a) + color[ch] * tex * a;
                        }
                    }
                }
                else
                {
                    Rgb[] tints = [new(1.12f, 0.72f, 0.58f), new(0.62f, 0.8f, 1.12f), new(0.72f, 1.08f, 0.62f)];
                    Rgb tint = rng.Pick(tints);
                    for (int ch = 0; ch < 3; ch++)
                    {
                        var src = clean.Plane(ch); var dst = result.Plane(ch);
                        for (int i = 0; i < plane; i++)
                            if (coverage[i] > 0) dst[i] = src[i] * (1 - coverage[i]) + MathF.Min(1f, src[i] * tint[ch]) * coverage[i];
                    }
                }
                break;
            }
            case DefectTypes2D.Deformation:
            {
                // A local warp with a hard outer edge: content inside the region is displaced.
                float r = rng.Range(12f, 20f) * k;
                float amplitude = rng.Range(4f, 7f) * k;
                float dir = rng.Range(0, MathF.Tau);
                float ux = MathF.Cos(dir), uy = MathF.Sin(dir);
                ForEachPixel(n, (x, y, i) =>
                {
                    float px = x + 0.5f, py = y + 0.5f;
                    coverage[i] = Sdf2D.Coverage(Sdf2D.Circle(px, py, cx, cy, r));
                });
                PruneIsolatedRim(coverage, n);
                var warped = new float[3 * plane];
                ForEachPixel(n, (x, y, i) =>
                {
                    if (coverage[i] <= 0) return;
                    float px = x + 0.5f, py = y + 0.5f;
                    float rr = MathF.Min(1f, ((px - cx) * (px - cx) + (py - cy) * (py - cy)) / (r * r));
                    float disp = amplitude * (1f - rr) * 0.5f + amplitude * 0.5f;
                    for (int ch = 0; ch < 3; ch++) warped[ch * plane + i] = Bilinear(clean, ch, px - 0.5f - disp * ux, py - 0.5f - disp * uy);
                });
                for (int ch = 0; ch < 3; ch++)
                {
                    var src = clean.Plane(ch); var dst = result.Plane(ch);
                    for (int i = 0; i < plane; i++)
                        if (coverage[i] > 0) dst[i] = src[i] * (1 - coverage[i]) + warped[ch * plane + i] * coverage[i];
                }
                break;
            }
            default:
                throw new ArgumentException($"Unknown surface defect type '{type}'.", nameof(type));
        }
        return new DefectRendering2D(result, [coverage]);
    }

    /// <summary>
    /// Drops partial coverage that has no pixel of the mask (coverage ≥ 0.5) next to it: thin wisps of a
    /// rough outline would otherwise change pixels that the ground truth cannot mark.
    /// </summary>
    internal static void PruneIsolatedRim(float[] coverage, int n)
    {
        var keep = new bool[coverage.Length];
        for (int y = 0; y < n; y++)
            for (int x = 0; x < n; x++)
            {
                int i = y * n + x;
                if (coverage[i] <= 0 || coverage[i] >= 0.5f) { keep[i] = true; continue; }
                for (int dy = -1; dy <= 1 && !keep[i]; dy++)
                    for (int dx = -1; dx <= 1; dx++)
                    {
                        int yy = y + dy, xx = x + dx;
                        if (yy >= 0 && yy < n && xx >= 0 && xx < n && coverage[yy * n + xx] >= 0.5f) { keep[i] = true; break; }
                    }
            }
        for (int i = 0; i < coverage.Length; i++) if (!keep[i]) coverage[i] = 0;
    }

    private static (float X, float Y) PickCentre(float[] support, int n, SynthRandom rng, float margin)
    {
        for (int attempt = 0; attempt < 4000; attempt++)
        {
            float x = rng.Range(margin, n - margin), y = rng.Range(margin, n - margin);
            if (support[(int)y * n + (int)x] >= 0.99f) return (x, y);
        }
        throw new InvalidOperationException("No room on the object surface for a defect.");
    }

    private static float[] ScratchPath(float cx, float cy, float k, SynthRandom rng)
    {
        float len = rng.Range(30f, 70f) * k, a = rng.Range(0, MathF.Tau), bend = rng.Range(-0.4f, 0.4f) * len;
        float ax = cx - MathF.Cos(a) * len / 2, ay = cy - MathF.Sin(a) * len / 2, bx = cx + MathF.Cos(a) * len / 2, by = cy + MathF.Sin(a) * len / 2;
        float mx = cx - MathF.Sin(a) * bend, my = cy + MathF.Cos(a) * bend;
        const int segments = 24;
        var pts = new float[2 * (segments + 1)];
        for (int i = 0; i <= segments; i++)
        {
            float t = i / (float)segments, u = 1 - t;
            pts[2 * i] = u * u * ax + 2 * u * t * mx + t * t * bx;
            pts[2 * i + 1] = u * u * ay + 2 * u * t * my + t * t * by;
        }
        return pts;
    }

    private static float[] CrackPath(float cx, float cy, float k, SynthRandom rng)
    {
        // A jagged random walk with a persistent heading (cracks zig-zag but keep going).
        int steps = rng.Next(9, 16);
        float heading = rng.Range(0, MathF.Tau), step = rng.Range(4f, 6f) * k;
        var pts = new List<float> { cx, cy };
        float x = cx, y = cy;
        for (int i = 0; i < steps; i++)
        {
            heading += rng.Range(-0.7f, 0.7f);
            x += MathF.Cos(heading) * step; y += MathF.Sin(heading) * step;
            pts.Add(x); pts.Add(y);
        }
        return pts.ToArray();
    }

    private static Rgb MeanUnder(ImageF image, float[] coverage)
    {
        double r = 0, g = 0, b = 0, w = 0;
        int plane = image.PlaneSize;
        for (int i = 0; i < plane; i++)
        {
            if (coverage[i] <= 0) continue;
            r += image.Data[i] * coverage[i]; g += image.Data[plane + i] * coverage[i]; b += image.Data[2 * plane + i] * coverage[i];
            w += coverage[i];
        }
        return w > 0 ? new Rgb((float)(r / w), (float)(g / w), (float)(b / w)) : Rgb.Gray(0.5f);
    }

    private static void Blend(ImageF clean, ImageF result, float[] coverage, Func<float, int, float> appearance)
    {
        int plane = clean.PlaneSize;
        for (int ch = 0; ch < 3; ch++)
        {
            var src = clean.Plane(ch); var dst = result.Plane(ch);
            for (int i = 0; i < plane; i++)
                if (coverage[i] > 0) dst[i] = src[i] * (1 - coverage[i]) + appearance(src[i], i) * coverage[i];
        }
    }

    private static float Bilinear(ImageF image, int ch, float x, float y)
    {
        int n = image.Width;
        x = Math.Clamp(x, 0, n - 1.001f); y = Math.Clamp(y, 0, n - 1.001f);
        int x0 = (int)x, y0 = (int)y;
        float fx = x - x0, fy = y - y0;
        var p = image.Plane(ch);
        return (p[y0 * n + x0] * (1 - fx) + p[y0 * n + x0 + 1] * fx) * (1 - fy) + (p[(y0 + 1) * n + x0] * (1 - fx) + p[(y0 + 1) * n + x0 + 1] * fx) * fy;
    }

    private static void ForEachPixel(int n, Action<int, int, int> body)
    {
        Parallel.For(0, n, y => { for (int x = 0; x < n; x++) body(x, y, y * n + x); });
    }
}
