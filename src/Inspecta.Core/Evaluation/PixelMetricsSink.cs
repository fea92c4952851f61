namespace Inspecta.Evaluation;

/// <summary>
/// One sweep, all pixel metrics: AU-PRO at every limit (exactly as the official MVTec AD code builds and integrates
/// the curve), pixel AUROC and average precision (as scikit-learn defines them), pixel F1-max, and optionally
/// the curves for plotting.
/// </summary>
internal struct PixelMetricsSink : ISweepSink
{
    private readonly long _negatives, _positives;
    private readonly int _regions;
    private readonly LimitedTrapezoid _pro;
    private readonly CurveRecorder? _proCurve, _rocCurve, _prCurve;
    private long _prevFp, _prevTp;
    private long _rocTwiceArea;       // Σ Δfp · (tp + tp_prev): exact in integers, divided once at the end
    private double _precisionSum;    // Σ Δtp · precision
    private double _bestF1, _bestF1Threshold;
    private double _lastPro;

    public PixelMetricsSink(long negatives, long positives, int regions, IReadOnlyList<double> limits, bool keepCurves)
    {
        _negatives = negatives; _positives = positives; _regions = regions;
        _pro = new LimitedTrapezoid(limits);
        _pro.Add(0, 0); // the official curve starts at (0, 0)
        if (keepCurves)
        {
            _proCurve = new CurveRecorder("pro", "fpr", "pro");
            _rocCurve = new CurveRecorder("pixel_roc", "fpr", "tpr");
            _prCurve = new CurveRecorder("pixel_pr", "recall", "precision");
        }
        _bestF1 = 0; _bestF1Threshold = double.NaN;
    }

    public void Add(uint key, long falsePositives, long truePositives, double weight)
    {
        // The official code accumulates FP counts as uint32, casts them to float32 and stores FP / #ok as float32:
        // reproduce that rounding so the x of every curve point is bit-identical.
        double fpr = Math.Min((float)((double)(float)falsePositives / _negatives), 1.0);
        long tp = truePositives, fp = falsePositives;
        if (tp != _prevTp) _lastPro = Math.Min(weight / _regions, 1.0); // PRO moves only with positives
        double pro = _lastPro;
        _pro.Add(fpr, pro);

        _rocTwiceArea += (fp - _prevFp) * (tp + _prevTp);
        if (tp > _prevTp)
        {
            // Precision and F1 can only rise when a positive joins; a point adding only negatives never beats the max.
            _precisionSum += (tp - _prevTp) * ((double)tp / (tp + fp));
            double f1 = 2.0 * tp / (tp + fp + _positives);
            if (f1 > _bestF1) { _bestF1 = f1; _bestF1Threshold = ScoreKey.ToScore(key); }
        }

        if (_proCurve is not null)
        {
            double threshold = ScoreKey.ToScore(key);
            _proCurve.Add(fpr, pro, threshold);
            _rocCurve!.Add((double)fp / _negatives, (double)tp / _positives, threshold);
            if (tp > 0) _prCurve!.Add((double)tp / _positives, (double)tp / (tp + fp), threshold);
        }
        _prevFp = fp; _prevTp = tp;
    }

    /// <summary>Closes the PRO curve at (1, 1) as the official code does and returns the results.</summary>
    public readonly PixelMetrics Finish()
    {
        _pro.Add(1, 1);
        double[] auPro = _regions == 0 || _negatives == 0 ? Nan(_pro.NormalizedAreas().Length) : _pro.NormalizedAreas();
        bool defined = _negatives > 0 && _positives > 0;
        return new PixelMetrics(
            auPro,
            defined ? _rocTwiceArea / (2.0 * _negatives * _positives) : double.NaN,
            _positives > 0 ? _precisionSum / _positives : double.NaN,
            _positives > 0 ? _bestF1 : double.NaN,
            _bestF1Threshold,
            _proCurve is null ? null : [_proCurve.ToCurve(), _rocCurve!.ToCurve(), _prCurve!.ToCurve()]);
    }

    private static double[] Nan(int n)
    {
        var a = new double[n];
        Array.Fill(a, double.NaN);
        return a;
    }
}

/// <summary>Pixel-level results of one sweep; <paramref name="AuPro"/> follows the order of the limits given.</summary>
internal sealed record PixelMetrics(double[] AuPro, double Auroc, double AveragePrecision, double F1Max, double F1Threshold, Curve[]? Curves);
