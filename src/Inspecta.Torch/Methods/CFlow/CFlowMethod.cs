using Inspecta.Detectors;
using Inspecta.Detectors.Registry;
using Inspecta.Persistence;

namespace Inspecta.Torch.Methods.CFlow;

/// <summary><c>cflow</c>: the registered descriptor.</summary>
public sealed class CFlowMethod : MethodDescriptor<CFlowOptions>
{
    public const string MethodId = "cflow";
    public override string Id => MethodId;
    public override string Summary => "CFLOW-AD (Gudovskiy et al.): per-scale conditional normalising flows on fibres of the frozen ResNet-18's layer1-3, with positional encoding; map = negative log-likelihood";
    public override InputKind Input => InputKind.Image;
    public override MethodNeeds Needs => MethodNeeds.Backbone | MethodNeeds.TrainingEngine;
    /// <summary>One epoch of 8 draws at 32² with two blocks: about a second.</summary>
    public override IReadOnlyList<(string Option, object? Value)> QuickOptions =>
        [("image-size", 32), ("epochs", 1), ("samples-per-epoch", 8), ("batch-size", 4), ("coupling-blocks", 2), ("condition-channels", 16)];
    protected override IAnomalyDetector Create(CFlowOptions options) => new CFlowDetector(options);
    protected override IAnomalyDetector LoadDetector(ModelReader reader) => CFlowDetector.Load(reader, ReadOptions(reader));
}
