namespace Inspecta.Evaluation;

/// <summary>A curve for plotting: points in sweep order with the score threshold that produced each point.</summary>
/// <param name="Name">"pro", "pixel_roc", "pixel_pr", "image_roc", "spro_structural", …</param>
public sealed record Curve(string Name, string XLabel, string YLabel, double[] X, double[] Y, double[] Thresholds)
{
    public int Count => X.Length;
}
