using Inspecta.Detectors.Registry;
using Inspecta.Persistence;

namespace Inspecta.Detectors.TextureGmm;

public sealed class TextureGmmMethod : MethodDescriptor<TextureGmmOptions>
{
    public override string Id => TextureGmmDetector.MethodId;
    public override string Summary => "GMM texture inspection: patch likelihood on an image pyramid (Böttger & Ulrich)";
    public override InputKind Input => InputKind.Image;
    public override IReadOnlyList<(string Option, object? Value)> QuickOptions => [("image-size", 64), ("pyramid-levels", 2), ("samples", 400), ("gmm-components", new[] { 1, 2 })];
    protected override IAnomalyDetector Create(TextureGmmOptions options) => new TextureGmmDetector(options);
    protected override IAnomalyDetector LoadDetector(ModelReader reader) => TextureGmmDetector.Load(reader, ReadOptions(reader));
}
