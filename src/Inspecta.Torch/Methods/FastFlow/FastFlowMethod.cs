using Inspecta.Detectors;
using Inspecta.Detectors.Registry;
using Inspecta.Persistence;

namespace Inspecta.Torch.Methods.FastFlow;

/// <summary><c>fastflow</c>: the registered descriptor.</summary>
public sealed class FastFlowMethod : MethodDescriptor<FastFlowOptions>
{
    public const string MethodId = "fastflow";
    public override string Id => MethodId;
    public override string Summary => "FastFlow (Yu et al.): 2D normalising flows (alternating 3×3 / 1×1 affine couplings) on the frozen ResNet-18's layer1-3; map = negative log-likelihood";
    public override InputKind Input => InputKind.Image;
    public override MethodNeeds Needs => MethodNeeds.Backbone | MethodNeeds.TrainingEngine;
    /// <summary>One epoch of 8 draws at 32² with two steps per scale: about a second.</summary>
    public override IReadOnlyList<(string Option, object? Value)> QuickOptions =>
        [("image-size", 32), ("epochs", 1), ("samples-per-epoch", 8), ("batch-size", 4), ("flow-steps", 2)];
    protected override IAnomalyDetector Create(FastFlowOptions options) => new FastFlowDetector(options);
    protected override IAnomalyDetector LoadDetector(ModelReader reader) => FastFlowDetector.Load(reader, ReadOptions(reader));
}
