namespace Inspecta.Detectors;

/// <summary>
/// A detector that can tell after fitting that its model will not localise well (e.g. a feature layer whose map is 1×1):
/// the fit pipeline adds these to <see cref="TrainedModel.Warnings"/>, which fit prints and the manifest keeps.
/// </summary>
public interface IFitWarnings
{
    IReadOnlyList<string> FitWarnings { get; }
}
