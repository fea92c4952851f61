using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Inspecta.Torch.Methods.Gcad;

/// <summary>
/// The regression networks R_loc and R_glo of GCAD: a U-Net (Ronneberger et al.) as in the thesis's reference
/// implementation — five levels of two 3×3 convolutions with ReLU (padded), 2×2 max-pools down, 2×2 transposed
/// convolutions up, the encoder's maps concatenated at every level, a 1×1 output convolution. Level l has
/// width·2^l channels (the reference: width 64, a 16×16×1024 latent at 256²). Sizes must be multiples of 16.
/// </summary>
public sealed class UNet : nn.Module<Tensor, Tensor>
{
    private const int Depth = 5;
    private readonly ModuleList<Sequential> down, upBlocks;
    private readonly ModuleList<ConvTranspose2d> up;
    private readonly Conv2d output;

    public UNet(int width, int outputChannels, string name) : base(name)
    {
        down = new ModuleList<Sequential>();
        up = new ModuleList<ConvTranspose2d>();
        upBlocks = new ModuleList<Sequential>();
        int c = 3;
        for (int l = 0; l < Depth; l++)
        {
            int ch = width << l;
            down.Add(Block(c, ch));
            c = ch;
        }
        for (int l = Depth - 2; l >= 0; l--)
        {
            int ch = width << l;
            up.Add(nn.ConvTranspose2d(c, ch, 2, stride: 2));
            upBlocks.Add(Block(2 * ch, ch));
            c = ch;
        }
        output = nn.Conv2d(c, outputChannels, 1);
        RegisterComponents();
    }

    private static Sequential Block(int input, int output) => nn.Sequential(
        ("0", nn.Conv2d(input, output, 3, padding: 1)), ("1", nn.ReLU()), ("2", nn.Conv2d(output, output, 3, padding: 1)), ("3", nn.ReLU()));

    public override Tensor forward(Tensor x)
    {
        var skips = new Tensor[Depth - 1];
        for (int l = 0; l < Depth; l++)
        {
            x = down[l].forward(x);
            if (l < Depth - 1)
            {
                skips[l] = x;
                x = nn.functional.max_pool2d(x, 2, 2);
            }
        }
        for (int i = 0; i < Depth - 1; i++)
        {
            x = up[i].forward(x);
            x = upBlocks[i].forward(cat([x, skips[Depth - 2 - i]], 1));
        }
        return output.forward(x);
    }
}
