using Inspecta.Imaging;

namespace Inspecta.Detectors.VariationModel;

/// <summary>
/// Estimates the rigid transform that maps an image onto a reference image of the same size.
/// Both are reduced to gradient-magnitude ("edge") images on a small square working grid, so the
/// estimate is insensitive to illumination offsets and cheap: rotation comes from phase correlation
/// of the log-polar magnitude spectra (translation-invariant), translation from phase correlation of
/// the de-rotated edge images. The 180° ambiguity of the spectrum is resolved by the sharper peak.
/// </summary>
internal sealed class PhaseCorrelationAligner
{
    private const float Eps = 1e-12f;
    private readonly AlignmentMode _mode;
    private readonly int _n, _height, _width;
    private readonly double _scale;
    private readonly Fft2D _fft;
    private readonly float[] _window;
    private readonly float[] _refEdges;
    private readonly float[] _refSpecRe, _refSpecIm;
    private readonly float[]? _refPolarRe, _refPolarIm;

    public float[] ReferenceEdges => _refEdges;
    public int WorkSize => _n;

    public PhaseCorrelationAligner(AlignmentMode mode, int height, int width, float[] referenceEdges, int workSize)
    {
        if (mode == AlignmentMode.None) throw new ArgumentException("No aligner is needed without alignment.", nameof(mode));
        _mode = mode; _n = workSize; _height = height; _width = width;
        _scale = WorkScale(height, width, workSize);
        if (referenceEdges.Length != _n * _n) throw new ArgumentException("Reference edge image has the wrong size.", nameof(referenceEdges));
        _fft = new Fft2D(_n);
        _window = HannWindow(_n);
        _refEdges = referenceEdges;
        (_refSpecRe, _refSpecIm) = Spectrum(_refEdges);
        if (mode == AlignmentMode.Rigid)
        {
            var polar = LogPolarMagnitude(_refSpecRe, _refSpecIm);
            (_refPolarRe, _refPolarIm) = ForwardPlain(polar);
        }
    }

    public static PhaseCorrelationAligner FromReference(AlignmentMode mode, ImageF reference, int workSize) =>
        new(mode, reference.Height, reference.Width, EdgeImage(reference, workSize), workSize);

    /// <summary>The working grid keeps a quarter of its side as zero margin so shifts do not wrap around.</summary>
    private static double WorkScale(int height, int width, int n) => Math.Min(1.0, 0.75 * n / Math.Max(height, width));

    /// <summary>Box-downsampled channel-mean intensity, then Sobel magnitude, centred on an n×n grid (zero outside).</summary>
    public static float[] EdgeImage(ImageF image, int n)
    {
        int h = image.Height, w = image.Width;
        double s = WorkScale(h, w, n);
        // Integral image of the channel sum: exact box averages for any working pixel footprint.
        var integral = new double[(h + 1) * (w + 1)];
        for (int y = 0; y < h; y++)
        {
            double row = 0;
            for (int x = 0; x < w; x++)
            {
                float v = 0;
                for (int c = 0; c < image.Channels; c++) v += image.Data[(c * h + y) * w + x];
                row += v;
                integral[(y + 1) * (w + 1) + x + 1] = integral[y * (w + 1) + x + 1] + row;
            }
        }
        var intensity = new float[n * n];
        var inside = new bool[n * n];
        double cw = (n - 1) / 2.0, cx = (w - 1) / 2.0, cy = (h - 1) / 2.0, half = 0.5 / s;
        for (int v = 0; v < n; v++)
        {
            double py = cy + (v - cw) / s;
            int y0 = (int)Math.Round(py - half + 0.5), y1 = (int)Math.Round(py + half + 0.5);
            y0 = Math.Max(y0, 0); y1 = Math.Min(y1, h);
            if (y1 <= y0) continue;
            for (int u = 0; u < n; u++)
            {
                double px = cx + (u - cw) / s;
                int x0 = (int)Math.Round(px - half + 0.5), x1 = (int)Math.Round(px + half + 0.5);
                x0 = Math.Max(x0, 0); x1 = Math.Min(x1, w);
                if (x1 <= x0) continue;
                double sum = integral[y1 * (w + 1) + x1] - integral[y0 * (w + 1) + x1] - integral[y1 * (w + 1) + x0] + integral[y0 * (w + 1) + x0];
                intensity[v * n + u] = (float)(sum / ((y1 - y0) * (x1 - x0) * image.Channels));
                inside[v * n + u] = true;
            }
        }
        var edges = new float[n * n];
        for (int v = 0; v < n; v++)
        {
            for (int u = 0; u < n; u++)
            {
                int i = v * n + u;
                if (!inside[i]) continue;
                // Sobel with neighbours clamped to the image footprint, so the image border is not an edge.
                float At(int du, int dv)
                {
                    int uu = u + du, vv = v + dv;
                    if (uu < 0 || vv < 0 || uu >= n || vv >= n || !inside[vv * n + uu]) return intensity[i];
                    return intensity[vv * n + uu];
                }
                float gx = At(1, -1) + 2 * At(1, 0) + At(1, 1) - At(-1, -1) - 2 * At(-1, 0) - At(-1, 1);
                float gy = At(-1, 1) + 2 * At(0, 1) + At(1, 1) - At(-1, -1) - 2 * At(0, -1) - At(1, -1);
                edges[i] = MathF.Sqrt(gx * gx + gy * gy);
            }
        }
        return edges;
    }

    /// <summary>The transform mapping <paramref name="image"/> coordinates onto the reference (full resolution).</summary>
    public RigidTransform Estimate(ImageF image)
    {
        if (image.Height != _height || image.Width != _width)
            throw new ArgumentException($"Image is {image.Height}×{image.Width}, the reference {_height}×{_width}.", nameof(image));
        var edges = EdgeImage(image, _n);
        double angle = 0, tx, ty;
        if (_mode == AlignmentMode.Rigid)
        {
            var (re, im) = Spectrum(edges);
            var polar = LogPolarMagnitude(re, im);
            var (pre, pim) = ForwardPlain(polar);
            // Shift along the angle axis only: rows are angles, columns log-radii (no scale change expected).
            var (da, _, _) = PeakShift(_refPolarRe!, _refPolarIm!, pre, pim, maxColumnShift: 2);
            double theta = da * Math.PI / _n;
            (double t1x, double t1y, double p1) = TranslationAfterRotation(edges, theta);
            (double t2x, double t2y, double p2) = TranslationAfterRotation(edges, theta + Math.PI);
            if (p2 > p1) { theta += Math.PI; t1x = t2x; t1y = t2y; }
            angle = Math.IEEERemainder(theta, 2 * Math.PI);
            tx = t1x; ty = t1y;
        }
        else
        {
            (tx, ty, _) = TranslationAfterRotation(edges, 0);
        }
        return new RigidTransform(angle, tx / _scale, ty / _scale, (_width - 1) / 2.0, (_height - 1) / 2.0);
    }

    /// <summary>De-rotates the edge image by <paramref name="theta"/> about the grid centre, then finds the shift to the reference.</summary>
    private (double X, double Y, double Peak) TranslationAfterRotation(float[] edges, double theta)
    {
        float[] rotated = edges;
        if (theta != 0)
        {
            rotated = new float[_n * _n];
            double cos = Math.Cos(theta), sin = Math.Sin(theta), c = (_n - 1) / 2.0;
            for (int v = 0; v < _n; v++)
                for (int u = 0; u < _n; u++)
                {
                    // Reference grid point (u, v) shows the edge-image content at R(-theta)·((u, v) − c) + c.
                    double ux = u - c, uy = v - c;
                    rotated[v * _n + u] = Bilinear(edges, _n, cos * ux + sin * uy + c, -sin * ux + cos * uy + c);
                }
        }
        var (re, im) = Spectrum(rotated);
        var (dy, dx, peak) = PeakShift(_refSpecRe, _refSpecIm, re, im, maxColumnShift: int.MaxValue);
        return (dx, dy, peak);
    }

    /// <summary>
    /// Phase correlation: the (row, column) shift t with A(w + t) ≈ B(w), sub-pixel by parabola fits,
    /// and the height of the correlation peak (a confidence).
    /// </summary>
    private (double Row, double Col, double Peak) PeakShift(float[] aRe, float[] aIm, float[] bRe, float[] bIm, int maxColumnShift)
    {
        int n = _n;
        var re = new float[n * n];
        var im = new float[n * n];
        for (int i = 0; i < re.Length; i++)
        {
            // A · conj(B), normalised to unit magnitude.
            float r = aRe[i] * bRe[i] + aIm[i] * bIm[i];
            float m = aIm[i] * bRe[i] - aRe[i] * bIm[i];
            float mag = MathF.Sqrt(r * r + m * m) + Eps;
            re[i] = r / mag; im[i] = m / mag;
        }
        _fft.Transform(re, im, inverse: true);
        int best = 0; float bestValue = float.NegativeInfinity;
        for (int y = 0; y < n; y++)
            for (int x = 0; x < n; x++)
            {
                int sx = x < n / 2 ? x : x - n;
                if (Math.Abs(sx) > maxColumnShift) continue;
                float v = re[y * n + x];
                if (v > bestValue) { bestValue = v; best = y * n + x; }
            }
        int by = best / n, bx = best % n;
        double fy = by + Parabola(re[((by - 1 + n) % n) * n + bx], bestValue, re[((by + 1) % n) * n + bx]);
        double fx = bx + Parabola(re[by * n + (bx - 1 + n) % n], bestValue, re[by * n + (bx + 1) % n]);
        if (fy >= n / 2.0) fy -= n;
        if (fx >= n / 2.0) fx -= n;
        return (fy, fx, bestValue);
    }

    private static double Parabola(float left, float centre, float right)
    {
        double d = left - 2.0 * centre + right;
        if (Math.Abs(d) < 1e-12) return 0;
        double off = 0.5 * (left - right) / d;
        return Math.Clamp(off, -0.5, 0.5);
    }

    private (float[] Re, float[] Im) Spectrum(float[] edges)
    {
        var re = new float[_n * _n];
        System.Numerics.Tensors.TensorPrimitives.Multiply(edges, _window, re);
        var im = new float[_n * _n];
        _fft.Transform(re, im, inverse: false);
        return (re, im);
    }

    private (float[] Re, float[] Im) ForwardPlain(float[] data)
    {
        var re = (float[])data.Clone();
        var im = new float[_n * _n];
        _fft.Transform(re, im, inverse: false);
        return (re, im);
    }

    /// <summary>
    /// log(1 + |F|) resampled on an angle × log-radius grid: rows are angles in [0, π) (the magnitude
    /// spectrum of a real image is point-symmetric), columns radii from 2 to 0.9·n/2 on a log scale.
    /// A rotation of the image becomes a cyclic shift along the rows.
    /// </summary>
    private float[] LogPolarMagnitude(float[] re, float[] im)
    {
        int n = _n;
        var mag = new float[n * n];
        // fftshift while taking the magnitude, so the zero frequency sits at (n/2, n/2).
        for (int y = 0; y < n; y++)
            for (int x = 0; x < n; x++)
            {
                int i = y * n + x;
                int sy = (y + n / 2) % n, sx = (x + n / 2) % n;
                mag[sy * n + sx] = MathF.Log(1 + MathF.Sqrt(re[i] * re[i] + im[i] * im[i]));
            }
        var polar = new float[n * n];
        double logMin = Math.Log(2), logMax = Math.Log(0.9 * n / 2);
        var rho = new double[n];
        for (int r = 0; r < n; r++) rho[r] = Math.Exp(logMin + (logMax - logMin) * r / (n - 1));
        Parallel.For(0, n, a =>
        {
            double theta = Math.PI * a / n, cos = Math.Cos(theta), sin = Math.Sin(theta);
            for (int r = 0; r < n; r++)
                polar[a * n + r] = Bilinear(mag, n, n / 2 + rho[r] * cos, n / 2 + rho[r] * sin);
        });
        return polar;
    }

    private static float Bilinear(float[] grid, int n, double x, double y)
    {
        if (x < 0 || y < 0 || x > n - 1 || y > n - 1) return 0;
        int x0 = Math.Min((int)x, n - 2), y0 = Math.Min((int)y, n - 2);
        float fx = (float)(x - x0), fy = (float)(y - y0);
        int i = y0 * n + x0;
        float top = grid[i] + fx * (grid[i + 1] - grid[i]);
        float bottom = grid[i + n] + fx * (grid[i + n + 1] - grid[i + n]);
        return top + fy * (bottom - top);
    }

    private static float[] HannWindow(int n)
    {
        var w1 = new double[n];
        for (int i = 0; i < n; i++) w1[i] = 0.5 - 0.5 * Math.Cos(2 * Math.PI * i / (n - 1));
        var w = new float[n * n];
        for (int y = 0; y < n; y++)
            for (int x = 0; x < n; x++) w[y * n + x] = (float)(w1[y] * w1[x]);
        return w;
    }
}
