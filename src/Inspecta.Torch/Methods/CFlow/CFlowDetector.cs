using System.Text.Json.Nodes;
using Inspecta.Persistence;
using Inspecta.Torch.Methods.Distillation;
using Inspecta.Torch.Nn;
using Inspecta.Torch.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Inspecta.Torch.Methods.CFlow;

/// <summary>
/// CFLOW-AD: the frozen ResNet-18 (the built-in backbone) encodes an image at three scales; per scale a conditional flow
/// (<see cref="CFlowNetwork"/>) learns the likelihood of a fibre given its position, trained on shuffled fibres
/// (<see cref="CFlowTask"/>). Map: per scale the per-position negative log-likelihood per dimension, zoomed bilinearly
/// to the working square, averaged over the scales, zoomed to the input size; image score = the map's maximum. (The
/// paper normalises the likelihoods by their maximum over the test batch; a per-image map cannot depend on other images.)
/// </summary>
public sealed class CFlowDetector(CFlowOptions options) : DistillationDetector<CFlowOptions>(options)
{
    public override string Method => CFlowMethod.MethodId;

    protected override IReadOnlyList<(string Name, nn.Module Module)> BuildNetworks() =>
        [("cflow", new CFlowNetwork(ResNet18.StageChannels, Options.CouplingBlocks, Options.ConditionChannels, Options.Clamp))];

    protected override IEnumerable<JsonNode> BuildDescription() =>
        [new JsonObject { ["coupling_blocks"] = Options.CouplingBlocks, ["condition_channels"] = Options.ConditionChannels, ["clamp"] = Options.Clamp,
                          ["fibre_batch"] = Options.FibreBatch }];

    protected override ITrainingTask CreateTask(ResNet18 teacher, IReadOnlyList<(string Name, nn.Module Module)> networks, TrainingOptions training,
        JsonObject architecture)
    {
        var flow = (CFlowNetwork)networks[0].Module;
        var optimizers = Enumerable.Range(0, flow.Scales)
            .Select(l => Optimizers.Create(training.Optimizer, flow.ScaleParameters(l), training.LearningRate, training.WeightDecay)).ToList();
        return new CFlowTask(teacher, flow, optimizers, Options.FibreBatch, training.Seed, architecture);
    }

    protected override Tensor Map(ResNet18 teacher, IReadOnlyList<(string Name, nn.Module Module)> networks, Tensor input) =>
        MeanAtWorkingSize(((CFlowNetwork)networks[0].Module).forward(teacher.forward(input)));

    public static CFlowDetector Load(ModelReader reader, CFlowOptions options) => Load(new CFlowDetector(options), reader);
}
