namespace Inspecta.Detectors.Registry;

/// <summary>An assembly's list of methods; the assembly names it with <see cref="MethodProviderAttribute"/>.</summary>
public interface IMethodProvider
{
    IEnumerable<MethodDescriptor> Methods { get; }
}

/// <summary>Marks an assembly that contributes methods: <c>[assembly: MethodProvider(typeof(MyMethods))]</c>.
/// <see cref="MethodRegistry.Default"/> finds every <c>Inspecta*.dll</c> beside the application that carries it.</summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
public sealed class MethodProviderAttribute(Type providerType) : Attribute
{
    public Type ProviderType { get; } = providerType;
}
