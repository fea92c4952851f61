using Inspecta.Geometry;

namespace Inspecta.Detectors.Components;

/// <summary>
/// Whether each pixel of an organised scan returns a measurement, modelled over the training scans: pixel p was valid
/// in k of the N good scans, so its validity is Bernoulli with q = (k + 1)/(N + 2) (Laplace-smoothed, as voxel-vm's
/// occupancy). Missing data is a defect signal in its own right — a through-hole, a dark or specular flaw, a missing
/// part return no depth — but single dropouts are ordinary sensor noise. So an invalid test pixel scores the
/// standardised shortfall of valid pixels among its neighbours in the <see cref="WindowSize"/>² window, (E − O)/√V
/// with E = Σq, V = Σq(1 − q) and O the valid count over the neighbours (the pixel itself left out): an isolated dropout
/// among pixels that are normally valid scores ≤ 0 for any N, a hole covering the window scores about
/// √(24·(N + 1)), and pixels often invalid in training add little.
/// </summary>
public sealed class ScanValidityModel
{
    /// <summary>Side of the neighbourhood a dropout is judged in: holes smaller than about this many pixels read as sensor noise.</summary>
    public const int WindowSize = 5;

    private readonly int[] _validCount;

    public int Height { get; }
    public int Width { get; }
    /// <summary>Number of training scans N.</summary>
    public int Scans { get; }

    /// <param name="validCount">Per pixel (row-major), in how many training scans it was valid.</param>
    public ScanValidityModel(int height, int width, int scans, int[] validCount)
    {
        ArgumentNullException.ThrowIfNull(validCount);
        if (validCount.Length != height * width) throw new ArgumentException($"{validCount.Length} counts for {height}×{width} pixels.", nameof(validCount));
        if (scans < 1) throw new ArgumentOutOfRangeException(nameof(scans), scans, "at least one training scan");
        Height = height; Width = width; Scans = scans; _validCount = validCount;
    }

    public ReadOnlySpan<int> ValidCount => _validCount;

    /// <summary>The smoothed probability that pixel <paramref name="p"/> is valid.</summary>
    public double ValidShare(int p) => (_validCount[p] + 1.0) / (Scans + 2.0);

    /// <summary>
    /// Σ over invalid pixels of their squared missing-data score (negative scores count 0): large for holes where the
    /// training scans had depth, 0 for scattered sensor dropouts, whatever their number.
    /// </summary>
    public double SquaredShortfall(OrganizedCloud scan)
    {
        var scores = new float[Height * Width];
        ScoreMissing(scan, scores);
        double sum = 0;
        foreach (float s in scores) sum += (double)s * s;
        return sum;
    }

    /// <summary>Raises every invalid pixel of <paramref name="map"/> to its missing-data score when that is higher (valid pixels are left alone).</summary>
    public void ScoreMissing(OrganizedCloud scan, Span<float> map)
    {
        RequireSize(scan);
        int h = Height, w = Width, stride = w + 1;
        if (map.Length != h * w) throw new ArgumentException($"map has {map.Length} pixels, the scan {h * w}.", nameof(map));
        // Summed-area tables of q, q(1 − q) and the observed validity: every window sum in O(1).
        var expected = new double[(h + 1) * stride];
        var variance = new double[(h + 1) * stride];
        var observed = new int[(h + 1) * stride];
        bool anyInvalid = false;
        for (int y = 0; y < h; y++)
        {
            double rowE = 0, rowV = 0;
            int rowO = 0;
            for (int x = 0; x < w; x++)
            {
                int p = y * w + x;
                double q = ValidShare(p);
                rowE += q; rowV += q * (1 - q);
                if (scan.IsValid(p)) rowO++; else anyInvalid = true;
                int i = (y + 1) * stride + x + 1;
                expected[i] = expected[i - stride] + rowE;
                variance[i] = variance[i - stride] + rowV;
                observed[i] = observed[i - stride] + rowO;
            }
        }
        if (!anyInvalid) return;
        const int r = WindowSize / 2;
        for (int y = 0; y < h; y++)
        {
            int y0 = Math.Max(0, y - r), y1 = Math.Min(h, y + r + 1);
            for (int x = 0; x < w; x++)
            {
                int p = y * w + x;
                if (scan.IsValid(p)) continue;
                int x0 = Math.Max(0, x - r), x1 = Math.Min(w, x + r + 1);
                int a = y0 * stride + x0, b = y0 * stride + x1, c = y1 * stride + x0, d = y1 * stride + x1;
                // The pixel's own dropout is a given: judge the shortfall among its neighbours only, so an isolated
                // dropout never scores above 0, however many training scans made its neighbours' q close to 1.
                double q = ValidShare(p);
                double e = expected[d] - expected[b] - expected[c] + expected[a] - q;
                double v = variance[d] - variance[b] - variance[c] + variance[a] - q * (1 - q);
                int o = observed[d] - observed[b] - observed[c] + observed[a];
                if (v <= 0) continue;
                float score = (float)((e - o) / Math.Sqrt(v));
                if (score > map[p]) map[p] = score;
            }
        }
    }

    private void RequireSize(OrganizedCloud scan)
    {
        if (scan.Height != Height || scan.Width != Width)
            throw new ArgumentException($"scan is {scan.Width}×{scan.Height}, the validity model {Width}×{Height}.", nameof(scan));
    }
}
