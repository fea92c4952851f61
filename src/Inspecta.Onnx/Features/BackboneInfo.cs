namespace Inspecta.Features;

/// <summary>Identity and shape of an opened backbone.</summary>
/// <param name="Name">Preset name, or the file name without extension for a custom model.</param>
/// <param name="Path">Absolute path of the ONNX file.</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the ONNX file (recorded in model manifests).</param>
/// <param name="InputName">The image input of the graph (float32 NCHW).</param>
/// <param name="Outputs">Every float32 4-D output, probed at <paramref name="ProbeSize"/>.</param>
/// <param name="ProbeSize">Square input size used to discover strides.</param>
public sealed record BackboneInfo(string Name, string Path, string Sha256, string InputName,
    IReadOnlyList<FeatureOutput> Outputs, int ProbeSize)
{
    public FeatureOutput Output(string name) =>
        Outputs.FirstOrDefault(o => o.Name == name)
        ?? throw new InspectaUserException($"Backbone '{Name}' has no feature output '{name}'. Available: {string.Join(", ", Outputs.Select(o => o.Name))}.");
}
