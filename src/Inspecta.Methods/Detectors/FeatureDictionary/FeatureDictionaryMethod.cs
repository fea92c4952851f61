using Inspecta.Detectors.Registry;
using Inspecta.Persistence;

namespace Inspecta.Detectors.FeatureDictionary;

public sealed class FeatureDictionaryMethod : MethodDescriptor<FeatureDictionaryOptions>
{
    public override string Id => FeatureDictionaryDetector.MethodId;
    public override string Summary => "CNN feature dictionary: PCA + k-means of pooled patch features (Napoletano et al.)";
    public override InputKind Input => InputKind.Image;
    public override MethodNeeds Needs => MethodNeeds.Backbone;
    public override IReadOnlyList<(string Option, object? Value)> QuickOptions => [("image-size", 64), ("patch-size", 16), ("stride", 8), ("clusters", 3), ("samples", 200)];
    protected override IAnomalyDetector Create(FeatureDictionaryOptions options) => new FeatureDictionaryDetector(options);
    protected override IAnomalyDetector LoadDetector(ModelReader reader) => FeatureDictionaryDetector.Load(reader, ReadOptions(reader));
}
