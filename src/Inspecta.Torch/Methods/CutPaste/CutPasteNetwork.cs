using Inspecta.Torch.Nn;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Inspecta.Torch.Methods.CutPaste;

/// <summary>
/// The fine-tuned network: the ResNet-18 up to layer3 (with the backbone's input adapter; ImageNet-normalised RGB in),
/// global average pooling to a 256-d embedding, and the projection head 256 → 256 (BatchNorm, ReLU) → head-width (ReLU)
/// → 3 class logits. The Gaussian densities use the pooled embedding, the head's input, L2-normalised.
/// </summary>
internal sealed class CutPasteNetwork : nn.Module<Tensor, Tensor>
{
    /// <summary>Dimension of the embedding: layer3's channels.</summary>
    public static int EmbeddingDim => ResNet18.StageChannels[2];

    private readonly ResNet18 backbone;
    private readonly Sequential head;

    public CutPasteNetwork(ResNet18 backbone, int headWidth) : base("cutpaste")
    {
        this.backbone = backbone;
        int d = EmbeddingDim;
        head = nn.Sequential(
            ("0", nn.Linear(d, d)), ("1", HeldBatchNorm.OneD(d)), ("2", nn.ReLU()),
            ("3", nn.Linear(d, headWidth)), ("4", nn.ReLU()),
            ("5", nn.Linear(headWidth, CutPasteAugmentation.Classes)));
        RegisterComponents();
    }

    /// <summary>N×3×S×S (ImageNet-normalised) → N×256 pooled layer3 features.</summary>
    public Tensor Features(Tensor x) => backbone.forward(x)[2].mean([2, 3]);

    /// <summary>The embedding the densities are fitted on: the pooled features, L2-normalised per row.</summary>
    public Tensor Embed(Tensor x)
    {
        var f = Features(x);
        return f.div(f.Squared().sum([1], true).sqrt().clamp_min(Scalars.Of(1e-12)));
    }

    /// <summary>Class logits (normal, CutPaste, scar).</summary>
    public override Tensor forward(Tensor x) => head.forward(Features(x));
}
