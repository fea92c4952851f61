using Inspecta.Torch.Nn;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Inspecta.Torch.Methods.Gcad;

/// <summary>
/// GCAD's global feature encoder E_glo (thesis §7.2, Fig. 7.4): five 4×4 stride-2 convolutions (leaky ReLU) down to
/// S/32, a convolution over the whole S/32 map to a g-dimensional vector (the bottleneck), a transposed convolution back
/// to S/32 and five 4×4 stride-2 transposed convolutions up to S×S with d_glo output channels. Five skip connections, 1×1
/// convolutions of the encoder's maps, scaled by skip weights and added to the matching decoder outputs, carry local
/// detail early in training; the weights fade linearly to 0 (the highest resolution first) over the first
/// <see cref="FadeEpochs"/> epochs, after which everything passes the bottleneck. The optimiser steps taken are a buffer
/// of the module, so the fading resumes with a checkpoint and is saved with the model.
/// </summary>
public sealed class GlobalEncoder : nn.Module<Tensor, Tensor>
{
    public const int Levels = 5;
    private const double Slope = 0.05;

    private readonly ModuleList<Conv2d> down, skips;
    private readonly Conv2d bottleneck;
    private readonly ModuleList<ConvTranspose2d> up;
    private readonly Tensor steps;
    private readonly int _stepsPerEpoch;

    public int FadeEpochs { get; }

    public GlobalEncoder(int size, int width, int bottleneckDim, int outputDim, int fadeEpochs, int stepsPerEpoch) : base("global_encoder")
    {
        if (size % 32 != 0) throw new ArgumentException("The size must be a multiple of 32.", nameof(size));
        (FadeEpochs, _stepsPerEpoch) = (fadeEpochs, Math.Max(1, stepsPerEpoch));
        int[] channels = [width, 2 * width, 4 * width, 8 * width, 8 * width];
        down = new ModuleList<Conv2d>();
        skips = new ModuleList<Conv2d>();
        int c = 3;
        foreach (int ch in channels)
        {
            down.Add(nn.Conv2d(c, ch, 4, stride: 2, padding: 1));
            skips.Add(nn.Conv2d(ch, ch, 1));
            c = ch;
        }
        int last = size / 32;
        bottleneck = nn.Conv2d(c, bottleneckDim, last);
        up = new ModuleList<ConvTranspose2d>();
        up.Add(nn.ConvTranspose2d(bottleneckDim, channels[4], last));
        for (int l = Levels - 1; l >= 1; l--) up.Add(nn.ConvTranspose2d(channels[l], channels[l - 1], 4, stride: 2, padding: 1));
        up.Add(nn.ConvTranspose2d(channels[0], outputDim, 4, stride: 2, padding: 1));
        steps = zeros([1], ScalarType.Int64);
        RegisterComponents();
    }

    /// <summary>Skip weight of level <paramref name="level"/> (0: the S/2 map) after <paramref name="epochs"/> epochs: 1 → 0 over its fifth of the fade.</summary>
    public static double SkipWeight(int level, double epochs, int fadeEpochs)
    {
        if (fadeEpochs <= 0) return 0;
        double span = fadeEpochs / (double)Levels, start = level * span;
        return Math.Clamp(1 - (epochs - start) / span, 0, 1);
    }

    /// <summary>Completed epochs as the fading counts them (whole epochs: the weights change after each epoch).</summary>
    public int EpochsDone => (int)(steps.item<long>() / _stepsPerEpoch);

    /// <summary>Counts one optimiser step (called by the training step).</summary>
    public void Step()
    {
        using var _ = no_grad();
        steps.add_(Scalars.IntegerOne, Scalars.IntegerOne);
    }

    public override Tensor forward(Tensor x)
    {
        var features = new Tensor[Levels];
        for (int l = 0; l < Levels; l++)
        {
            x = down[l].forward(x).leaky_relu(Scalars.Of(Slope));
            features[l] = x;
        }
        var y = bottleneck.forward(x);
        int epochs = EpochsDone;
        for (int i = 0; i < Levels; i++)
        {
            int level = Levels - 1 - i;                 // up[0] restores S/32 (level 4), up[4] S/2 (level 0)
            y = up[i].forward(y);
            double w = SkipWeight(level, epochs, FadeEpochs);
            // Always in the graph, with weight 0 once faded: every skip then gets a gradient (zeros) on every step, so the
            // optimiser treats it the same in a fresh and in a resumed process (a skip without gradient would be skipped).
            y = y.Plus(skips[level].forward(features[level]) * StudentTeacher.ScalarTensor.Of((float)w));
            y = y.leaky_relu(Scalars.Of(Slope));
        }
        return up[Levels].forward(y);
    }
}
