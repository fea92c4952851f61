using Inspecta.Detectors;
using Inspecta.Detectors.Registry;
using Inspecta.Persistence;

namespace Inspecta.Torch.Methods.Stfpm;

/// <summary><c>stfpm</c>: the registered descriptor.</summary>
public sealed class StfpmMethod : MethodDescriptor<StfpmOptions>
{
    public const string MethodId = "stfpm";
    public override string Id => MethodId;
    public override string Summary => "STFPM (Wang et al.): ResNet-18 student trained from scratch to match the pretrained teacher's layer1-3; map = product of per-layer 1 − cosine";
    public override InputKind Input => InputKind.Image;
    public override MethodNeeds Needs => MethodNeeds.Backbone | MethodNeeds.TrainingEngine;
    /// <summary>One epoch of 8 draws at 32²: the teacher, a student step, validation, save and reload in about a second.</summary>
    public override IReadOnlyList<(string Option, object? Value)> QuickOptions =>
        [("image-size", 32), ("epochs", 1), ("samples-per-epoch", 8), ("batch-size", 4), ("learning-rate", 0.01)];
    protected override IAnomalyDetector Create(StfpmOptions options) => new StfpmDetector(options);
    protected override IAnomalyDetector LoadDetector(ModelReader reader) => StfpmDetector.Load(reader, ReadOptions(reader));
}
