using Inspecta.Torch.Nn;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Inspecta.Torch.Methods.StudentTeacher;

/// <summary>
/// A patch network (thesis §5.2, Table 5.1) with two ways to run the same weights. <see cref="Patches"/>: the strided
/// network on p×p patches, one descriptor each (teacher pretraining). <see cref="forward"/>: fast dense evaluation over
/// a whole image (Bailer et al. 2017, as the thesis uses it): every stride-s max-pool runs with stride 1 and every later
/// convolution and pool is dilated by the product of the strides before it, so output (y, x) is exactly the strided
/// network's descriptor of the patch whose top-left corner is input (y, x); an H×W input gives
/// (H − Extent + 1)×(W − Extent + 1) descriptors in one pass, no sliding loop and no unwarping.
/// </summary>
public sealed class PatchNetwork : nn.Module<Tensor, Tensor>
{
    /// <summary>The leaky ReLU slope of the thesis text (L1369: 5·10⁻³; the Table 5.1 caption says 0.05).</summary>
    public const double Slope = 5e-3;

    private readonly ModuleList<Conv2d> convs;
    private readonly PatchLayer[] _layers;

    public PatchNetworkLayout Layout { get; }

    public PatchNetwork(PatchNetworkLayout layout, string name = "patch_network") : base(name)
    {
        Layout = layout;
        _layers = [.. layout.Layers];
        convs = new ModuleList<Conv2d>();
        int channels = 3;
        foreach (var l in _layers)
        {
            if (l.IsPool) continue;
            convs.Add(nn.Conv2d(channels, l.Channels, l.Kernel));
            channels = l.Channels;
        }
        RegisterComponents();
    }

    /// <summary>Dense descriptors: N×3×H×W (ImageNet-normalised) → N×d×(H − Extent + 1)×(W − Extent + 1).</summary>
    public override Tensor forward(Tensor x)
    {
        long dilation = 1;
        int c = 0;
        foreach (var l in _layers)
        {
            if (l.IsPool)
            {
                x = nn.functional.max_pool2d(x, [l.Kernel, l.Kernel], [1, 1], [0, 0], [dilation, dilation]);
                dilation *= l.Stride;
                continue;
            }
            var conv = convs[c++];
            x = nn.functional.conv2d(x, conv.weight!, conv.bias, [1, 1], [0, 0], [dilation, dilation]);
            if (c < convs.Count) x = x.leaky_relu(Scalars.Of(Slope));
        }
        return x;
    }

    /// <summary>The strided network on patches: N×3×p×p → N×d (one descriptor per patch).</summary>
    public Tensor Patches(Tensor x)
    {
        int c = 0;
        foreach (var l in _layers)
        {
            if (l.IsPool)
            {
                x = nn.functional.max_pool2d(x, [l.Kernel, l.Kernel], [l.Stride, l.Stride]);
                continue;
            }
            x = convs[c++].forward(x);
            if (c < convs.Count) x = x.leaky_relu(Scalars.Of(Slope));
        }
        return x.flatten(1);
    }

    /// <summary>Dense descriptors at the input's own size: reflection padding by <see cref="PatchNetworkLayout.Padding"/> first.</summary>
    public Tensor Dense(Tensor x)
    {
        var (before, after) = Layout.Padding;
        return forward(nn.functional.pad(x, [before, after, before, after], PaddingModes.Reflect));
    }

    public long ParameterCount => ModuleWeights.ParameterCount(this);
}
