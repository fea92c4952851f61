using Inspecta.Detectors.Registry;

[assembly: MethodProvider(typeof(Inspecta.Detectors.BuiltInMethods))]

namespace Inspecta.Detectors;

/// <summary>The methods that ship with Inspecta, in the order <c>--help</c> lists them. A new method adds one line here.</summary>
public sealed class BuiltInMethods : IMethodProvider
{
    public IEnumerable<MethodDescriptor> Methods =>
    [
        new PatchCore.PatchCoreMethod(),
        new Padim.PadimMethod(),
        new Spade.SpadeMethod(),
        new FeatureDictionary.FeatureDictionaryMethod(),
        new VariationModel.VariationMethod(),
        new TextureGmm.TextureGmmMethod(),
        new Btf.BtfMethod(Btf.BtfFeatures.Raw),
        new Btf.BtfMethod(Btf.BtfFeatures.Fpfh),
        new Btf.BtfRgbMethod(),
        new DepthVariation.DepthVariationMethod(),
        new VoxelVariation.VoxelVariationMethod(),
        new PointPatchCore.PointPatchCoreMethod(),
    ];
}
