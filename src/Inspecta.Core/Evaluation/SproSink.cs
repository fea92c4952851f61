namespace Inspecta.Evaluation;

/// <summary>Integrates the sPRO curve (FPR over the pixels outside all annotations, mean saturated overlap).</summary>
internal struct SproSink : ISweepSink
{
    private readonly long _negatives;
    private readonly int _regions;
    private readonly LimitedTrapezoid _spro;
    private readonly CurveRecorder? _curve;

    public SproSink(long negatives, int regions, IReadOnlyList<double> limits, string? curveName)
    {
        _negatives = negatives; _regions = regions;
        _spro = new LimitedTrapezoid(limits);
        _spro.Add(0, 0);
        _curve = curveName is null ? null : new CurveRecorder(curveName, "fpr", "spro");
    }

    public void Add(uint key, long falsePositives, long truePositives, double weight)
    {
        double fpr = Math.Min((double)falsePositives / _negatives, 1.0);
        double spro = Math.Min(weight / _regions, 1.0);
        _spro.Add(fpr, spro);
        _curve?.Add(fpr, spro, ScoreKey.ToScore(key));
    }

    public readonly (double[] AuSpro, Curve? Curve) Finish()
    {
        _spro.Add(1, 1);
        double[] areas = _spro.NormalizedAreas();
        if (_regions == 0 || _negatives == 0) Array.Fill(areas, double.NaN);
        return (areas, _curve?.ToCurve());
    }
}
