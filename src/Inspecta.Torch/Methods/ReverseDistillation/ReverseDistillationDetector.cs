using System.Text.Json.Nodes;
using Inspecta.Persistence;
using Inspecta.Torch.Methods.Distillation;
using Inspecta.Torch.Nn;
using Inspecta.Torch.Training;
using TorchSharp;
using static TorchSharp.torch;
using static Inspecta.Torch.Nn.Scalars;

namespace Inspecta.Torch.Methods.ReverseDistillation;

/// <summary>
/// Reverse Distillation: the frozen teacher encodes an image (layer1–3), the trainable one-class bottleneck embeds the
/// three scales into one compact code, and the trainable reverse-ResNet decoder restores the encoder's three feature maps
/// from it (loss: per scale the mean over positions of 1 − cos, summed). Anomalies, never seen in training, are not
/// restored. Map: per scale 1 − cos per position, zoomed bilinearly to the working square, summed, Gaussian-smoothed
/// (σ = 4 px); image score = the map's maximum.
/// </summary>
public sealed class ReverseDistillationDetector(ReverseDistillationOptions options) : DistillationDetector<ReverseDistillationOptions>(options)
{
    public override string Method => ReverseDistillationMethod.MethodId;

    protected override float SmoothingSigma => (float)Options.Smoothing;

    protected override IReadOnlyList<(string Name, nn.Module Module)> BuildNetworks() =>
        [("bottleneck", new OneClassBottleneck()), ("decoder", new ReverseResNet())];

    protected override ITrainingTask CreateTask(ResNet18 teacher, IReadOnlyList<(string Name, nn.Module Module)> networks, TrainingOptions training,
        JsonObject architecture)
    {
        var parameters = networks.SelectMany(n => n.Module.parameters());
        var optimizer = Optimizers.Create(training.Optimizer, parameters, training.LearningRate, training.WeightDecay, beta1: 0.5, beta2: 0.999);
        return new DistillationTask("decoder", teacher, networks, optimizer, architecture, (t, _) => PyramidLoss(t, Restore(networks, t)));
    }

    private static Tensor[] Restore(IReadOnlyList<(string Name, nn.Module Module)> networks, Tensor[] encoded) =>
        ((ReverseResNet)networks[1].Module).forward(((OneClassBottleneck)networks[0].Module).forward(encoded));

    protected override Tensor Map(ResNet18 teacher, IReadOnlyList<(string Name, nn.Module Module)> networks, Tensor input)
    {
        var t = teacher.forward(input);
        return ScaleMaps(t, Restore(networks, t), (m, l) => m.Plus(l));
    }

    public static ReverseDistillationDetector Load(ModelReader reader, ReverseDistillationOptions options) => Load(new ReverseDistillationDetector(options), reader);
}
