namespace Inspecta.Detectors.VariationModel;

/// <summary>How the variation model registers each image to its reference before comparing pixels.</summary>
public enum AlignmentMode
{
    /// <summary>Images are already registered (fixtures, jigs).</summary>
    None,
    /// <summary>Shift only, by phase correlation of gradient images.</summary>
    Translation,
    /// <summary>Rotation (log-polar phase correlation of the magnitude spectra) plus shift.</summary>
    Rigid,
}

public static class AlignmentModes
{
    public static AlignmentMode Parse(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        null or "" or "none" => AlignmentMode.None,
        "translation" or "shift" => AlignmentMode.Translation,
        "rigid" or "rotation" => AlignmentMode.Rigid,
        _ => throw new InspectaUserException($"Unknown alignment '{text}'. Use none, translation or rigid."),
    };

    public static string Name(this AlignmentMode mode) => mode.ToString().ToLowerInvariant();
}
