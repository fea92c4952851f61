using System.Reflection;
using Inspecta.Persistence;

namespace Inspecta.Detectors.Registry;

/// <summary>
/// The methods the tools know, by id. Open: <see cref="Default"/> collects the methods of every assembly marked with
/// <see cref="MethodProviderAttribute"/> (the built-in ones, the training engine's, a user's own), and code may
/// build a registry of its own with <see cref="Add"/>.
/// </summary>
public sealed class MethodRegistry
{
    private readonly List<MethodDescriptor> _methods = [];

    private static readonly Lazy<MethodRegistry> DefaultRegistry = new(Discover);

    /// <summary>Built-in methods first (in their provider's order), then those of other assemblies by assembly name.</summary>
    public static MethodRegistry Default => DefaultRegistry.Value;

    public IReadOnlyList<MethodDescriptor> All => _methods;

    public MethodRegistry Add(MethodDescriptor method)
    {
        ArgumentNullException.ThrowIfNull(method);
        if (Find(method.Id) is { } existing)
            throw new InvalidOperationException($"Method id '{method.Id}' is registered twice ({existing.GetType().FullName}, {method.GetType().FullName}).");
        _ = method.Schema; // a malformed options record fails at registration, not at a user's fit
        _methods.Add(method);
        return this;
    }

    public MethodRegistry AddFrom(IMethodProvider provider)
    {
        foreach (var m in provider.Methods) Add(m);
        return this;
    }

    public MethodDescriptor? Find(string id) => _methods.FirstOrDefault(m => m.Id.Equals(id, StringComparison.OrdinalIgnoreCase));

    public MethodDescriptor Get(string id) => Find(id)
        ?? throw new InspectaUserException($"Unknown method '{id}'. Known methods: {string.Join(", ", _methods.Select(m => m.Id))}.");

    /// <summary>Loads any fitted model file, dispatching on the method recorded in its manifest.</summary>
    public IAnomalyDetector Load(ModelReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var method = Find(reader.Method)
            ?? throw reader.Error($"the model was fitted with method '{reader.Method}', which this Inspecta does not know (known: {string.Join(", ", _methods.Select(m => m.Id))}).");
        return method.Load(reader);
    }

    private static MethodRegistry Discover()
    {
        var registry = new MethodRegistry();
        var assemblies = new List<Assembly> { typeof(MethodRegistry).Assembly };
        foreach (string file in Directory.EnumerateFiles(AppContext.BaseDirectory, "Inspecta*.dll").Order(StringComparer.Ordinal))
        {
            try
            {
                var assembly = Assembly.Load(AssemblyName.GetAssemblyName(file));
                if (!assemblies.Contains(assembly)) assemblies.Add(assembly);
            }
            catch (BadImageFormatException) { } // a native library that happens to match the pattern
        }
        foreach (var assembly in assemblies.OrderBy(a => a == typeof(MethodRegistry).Assembly ? 0 : 1).ThenBy(a => a.GetName().Name, StringComparer.Ordinal))
            foreach (var attribute in assembly.GetCustomAttributes<MethodProviderAttribute>())
                registry.AddFrom((IMethodProvider)Activator.CreateInstance(attribute.ProviderType)!);
        return registry;
    }
}
