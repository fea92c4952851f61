namespace Inspecta.Evaluation;

/// <summary>
/// Everything a category's evaluation needs, however it was obtained (maps read from disk, or a fitted model run
/// on the test set): the images, the LOCO saturation rules when the dataset is MVTec LOCO AD, and notes for the
/// user about what was done to the inputs (e.g. resized maps).
/// </summary>
public sealed record EvaluationInput(string Category, IReadOnlyList<EvaluatedImage> Images, IReadOnlyList<DefectSaturation>? LocoDefects)
{
    public bool IsLoco => LocoDefects is not null;

    public IReadOnlyList<string> Notes { get; init; } = [];
}
