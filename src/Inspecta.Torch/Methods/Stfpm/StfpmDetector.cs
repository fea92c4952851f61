using System.Text.Json.Nodes;
using Inspecta.Persistence;
using Inspecta.Torch.Methods.Distillation;
using Inspecta.Torch.Nn;
using Inspecta.Torch.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Inspecta.Torch.Methods.Stfpm;

/// <summary>
/// STFPM: a ResNet-18 student of the teacher's architecture, trained from scratch on good images so that its layer1–3
/// features match the teacher's after L2 normalisation along channels (loss: per layer the mean over positions of
/// ½‖F̂ₜ − F̂ₛ‖² = 1 − cos, summed over layers). Map: per layer 1 − cos per position, zoomed bilinearly to the working
/// square, multiplied over the layers; image score = the map's maximum.
/// </summary>
public sealed class StfpmDetector(StfpmOptions options) : DistillationDetector<StfpmOptions>(options)
{
    public override string Method => StfpmMethod.MethodId;

    protected override IReadOnlyList<(string Name, nn.Module Module)> BuildNetworks() => [("student", new ResNet18(inputAdapter: false, "student"))];

    protected override ITrainingTask CreateTask(ResNet18 teacher, IReadOnlyList<(string Name, nn.Module Module)> networks, TrainingOptions training,
        JsonObject architecture)
    {
        var student = (ResNet18)networks[0].Module;
        var optimizer = Optimizers.Create(training.Optimizer, student.parameters(), training.LearningRate, training.WeightDecay);
        return new DistillationTask("student", teacher, networks, optimizer, architecture, (t, x) => PyramidLoss(t, student.forward(x)));
    }

    protected override Tensor Map(ResNet18 teacher, IReadOnlyList<(string Name, nn.Module Module)> networks, Tensor input) =>
        ScaleMaps(teacher.forward(input), ((ResNet18)networks[0].Module).forward(input), (m, l) => m * l);

    public static StfpmDetector Load(ModelReader reader, StfpmOptions options) => Load(new StfpmDetector(options), reader);
}
