using System.Text.Json.Nodes;
using Inspecta.Persistence;
using Inspecta.Torch.Methods.Distillation;
using Inspecta.Torch.Nn;
using Inspecta.Torch.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Inspecta.Torch.Methods.FastFlow;

/// <summary>
/// FastFlow: the frozen ResNet-18 (the built-in backbone, imported as for the teacher–student methods) gives layer1–3;
/// a 2D flow per scale (<see cref="FastFlowNetwork"/>) is trained by maximum likelihood to map the good images' features
/// to a standard normal. Map: per scale the per-position negative log-likelihood ½·mean_c z², zoomed bilinearly to the
/// working square, averaged over the scales, then zoomed to the input size; image score = the map's maximum.
/// </summary>
public sealed class FastFlowDetector(FastFlowOptions options) : DistillationDetector<FastFlowOptions>(options)
{
    public override string Method => FastFlowMethod.MethodId;

    protected override IReadOnlyList<(string Name, nn.Module Module)> BuildNetworks() =>
        [("flow", new FastFlowNetwork(ResNet18.StageChannels, Options.FlowSteps, Options.HiddenRatio, Options.Clamp))];

    protected override IEnumerable<JsonNode> BuildDescription() =>
        [new JsonObject { ["flow_steps"] = Options.FlowSteps, ["hidden_ratio"] = Options.HiddenRatio, ["clamp"] = Options.Clamp }];

    protected override ITrainingTask CreateTask(ResNet18 teacher, IReadOnlyList<(string Name, nn.Module Module)> networks, TrainingOptions training,
        JsonObject architecture)
    {
        var flow = (FastFlowNetwork)networks[0].Module;
        var optimizer = Optimizers.Create(training.Optimizer, flow.parameters(), training.LearningRate, training.WeightDecay);
        return new DistillationTask("flow", teacher, networks, optimizer, architecture, (t, _) => FastFlowNetwork.Loss(flow.forward(t)));
    }

    protected override Tensor Map(ResNet18 teacher, IReadOnlyList<(string Name, nn.Module Module)> networks, Tensor input) =>
        MeanAtWorkingSize([.. ((FastFlowNetwork)networks[0].Module).forward(teacher.forward(input)).Z.Select(FastFlowNetwork.PositionNll)]);

    public static FastFlowDetector Load(ModelReader reader, FastFlowOptions options) => Load(new FastFlowDetector(options), reader);
}
