using Inspecta.Detectors.Components;
using Inspecta.Datasets;
using Inspecta.Imaging;
using Inspecta.Persistence;

namespace Inspecta.Detectors.DepthVariation;

/// <summary>
/// The MVTec 3D-AD paper's depth variation model: per pixel, the mean and standard deviation of the depth (z)
/// over the training scans; a test pixel scores |z − mean| / max(std, σ_min), the one-dimensional Mahalanobis
/// distance. σ_min is the median per-pixel standard deviation (a robust sensor-noise level), so pixels that
/// happened to be constant in training do not explode. Image score = map maximum.
/// <para>
/// Whether a pixel is measured at all is modelled too, because a hole where good parts always return depth (a
/// through-hole, a dark or specular flaw, a missing part) is itself a defect: an invalid test pixel scores the
/// missing-data score of <see cref="ScanValidityModel"/> (a hole of a few pixels where training was valid lights up,
/// isolated sensor dropouts do not). Valid pixels valid in fewer than two training scans have no depth statistics and
/// score 0. A scan without any valid point is refused as a user error (<see cref="GeometryInput.ReadScan"/>).
/// </para>
/// </summary>
public sealed class DepthVariationDetector : IAnomalyDetector
{
    public const string MethodId = "depth-vm";

    private int _height, _width, _scans;
    private float[] _mean = [], _sigma = [];
    private int[] _count = [];

    public string Method => MethodId;
    public float SigmaMin { get; private set; }

    public DepthVariationDetector(DepthVariationOptions options) => ArgumentNullException.ThrowIfNull(options);

    public void Dispose() { }

    private DepthVariationDetector() { }

    public void Fit(FitContext context)
    {
        var (good, progress, ct) = (context.Train, context.Progress, context.Cancellation);
        SampleImages.RequireAtLeast(good, 2, MethodId);
        var first = GeometryInput.ReadScan(good[0], MethodId);
        int h = first.Height, w = first.Width, n = h * w;
        var mean = new double[n];
        var m2 = new double[n];
        var count = new int[n];
        for (int s = 0; s < good.Count; s++)
        {
            ct.ThrowIfCancellationRequested();
            var scan = s == 0 ? first : GeometryInput.ReadScan(good[s], MethodId);
            GeometryInput.RequireSize(scan, good[s], h, w, MethodId);
            var xyz = scan.Xyz;
            for (int p = 0; p < n; p++)
            {
                if (!scan.IsValid(p)) continue;
                // Welford: numerically stable for depths ~1 m varying by micrometres.
                double z = xyz[3 * p + 2];
                int c = ++count[p];
                double d = z - mean[p];
                mean[p] += d / c;
                m2[p] += d * (z - mean[p]);
            }
            progress?.Report(new ProgressUpdate("scans", s + 1, good.Count));
        }
        _height = h; _width = w; _scans = good.Count;
        _count = count;
        _mean = new float[n];
        _sigma = new float[n];
        var stds = new List<float>(n);
        for (int p = 0; p < n; p++)
        {
            _mean[p] = (float)mean[p];
            if (count[p] >= 2)
            {
                _sigma[p] = (float)Math.Sqrt(m2[p] / (count[p] - 1));
                stds.Add(_sigma[p]);
            }
        }
        if (stds.Count == 0) throw new InspectaUserException($"{MethodId}: no pixel is valid in two or more training scans; nothing to model.");
        stds.Sort();
        SigmaMin = Math.Max(stds[stds.Count / 2], 1e-9f);
    }

    public Prediction Predict(Sample sample)
    {
        if (_mean.Length == 0) throw new InvalidOperationException($"{MethodId} is not fitted.");
        var scan = GeometryInput.ReadScan(sample, MethodId);
        GeometryInput.RequireSize(scan, sample, _height, _width, MethodId);
        var map = new AnomalyMap(_height, _width);
        var xyz = scan.Xyz;
        for (int p = 0; p < map.Data.Length; p++)
        {
            if (_count[p] < 2 || !scan.IsValid(p)) continue;
            map.Data[p] = MathF.Abs(xyz[3 * p + 2] - _mean[p]) / MathF.Max(_sigma[p], SigmaMin);
        }
        // Models written before invalid-pixel scoring (no scan count) keep predicting exactly as they did.
        if (_scans > 0) new ScanValidityModel(_height, _width, _scans, _count).ScoreMissing(scan, map.Data);
        return new Prediction(map.Max(), map);
    }

    public void Save(ModelWriter writer)
    {
        if (_mean.Length == 0) throw new InvalidOperationException($"{MethodId} is not fitted.");
        writer.Parameters["height"] = _height;
        writer.Parameters["width"] = _width;
        if (_scans > 0) writer.Parameters["scans"] = _scans;
        writer.Parameters["sigma_min"] = SigmaMin;
        writer.AddArray("mean", _mean, _height, _width);
        writer.AddArray("sigma", _sigma, _height, _width);
        writer.AddArray("count", _count, _height, _width);
    }

    internal static DepthVariationDetector Load(ModelReader reader)
    {
        var p = reader.Parameters;
        int h = reader.Int("height"), w = reader.Int("width");
        var d = new DepthVariationDetector
        {
            _height = h, _width = w,
            _scans = p["scans"]?.GetValue<int>() ?? 0, // 0: written before invalid-pixel scoring
            SigmaMin = reader.Float("sigma_min"),
            _mean = reader.ReadFloats("mean"), _sigma = reader.ReadFloats("sigma"), _count = reader.ReadInts("count"),
        };
        if (p["scans"] is not null && d._scans < 2) throw reader.Error($"depth-vm was fitted on {d._scans} scans; at least 2 are needed.");
        if (d._mean.Length != h * w || d._sigma.Length != h * w || d._count.Length != h * w) throw reader.Error("depth-vm arrays do not match the scan size.");
        return d;
    }
}
