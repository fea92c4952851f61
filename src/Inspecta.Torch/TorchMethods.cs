using Inspecta.Detectors.Registry;
using Inspecta.Torch.Methods.Autoencoder;
using Inspecta.Torch.Methods.EfficientAd;
using Inspecta.Torch.Methods.CFlow;
using Inspecta.Torch.Methods.CutPaste;
using Inspecta.Torch.Methods.Draem;
using Inspecta.Torch.Methods.FastFlow;
using Inspecta.Torch.Methods.FAnoGan;
using Inspecta.Torch.Methods.Gcad;
using Inspecta.Torch.Methods.ReverseDistillation;
using Inspecta.Torch.Methods.Stfpm;
using Inspecta.Torch.Methods.StudentTeacher;

[assembly: MethodProvider(typeof(Inspecta.Torch.TorchMethods))]

namespace Inspecta.Torch;

/// <summary>The trained methods of the training engine; <see cref="MethodRegistry.Default"/> finds them when this assembly
/// sits beside the application.</summary>
public sealed class TorchMethods : IMethodProvider
{
    public IEnumerable<MethodDescriptor> Methods =>
    [
        new AutoencoderMethod<L2AutoencoderOptions>("L2 autoencoder (MVTec AD paper): conv autoencoder trained on good images, map = squared reconstruction error"),
        new AutoencoderMethod<SsimAutoencoderOptions>("SSIM autoencoder (Bergmann et al.): conv autoencoder with an SSIM loss, map = 1 − per-pixel SSIM (window 11)"),
        new AutoencoderMethod<VaeOptions>("Variational autoencoder: the same networks with a variational bottleneck, map = squared reconstruction error"),
        new FAnoGanMethod(),
        new StfpmMethod(),
        new ReverseDistillationMethod(),
        new EfficientAdMethod(),
        new StudentTeacherMethod(),
        new GcadMethod(),
        new FastFlowMethod(),
        new DraemMethod(),
        new CFlowMethod(),
        new CutPasteMethod(),
    ];
}
