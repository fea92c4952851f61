using Inspecta.Detectors;
using Inspecta.Detectors.Options;
using Inspecta.Detectors.Registry;

namespace Inspecta.Tests.Infrastructure;

/// <summary>Builds registered methods with a shared bag of option values (by CLI name), each applied only where the method declares it.</summary>
public static class TestMethods
{
    public static MethodOptions Options(string method, params (string Name, object? Value)[] values)
    {
        var d = MethodRegistry.Default.Get(method);
        var declared = values.Select(v => (Option: d.Schema.Find(v.Name), v.Value)).Where(v => v.Option is not null).Select(v => (v.Option!, v.Value));
        return d.Schema.With(d.DefaultOptions(), declared);
    }

    public static IAnomalyDetector Create(string method, params (string Name, object? Value)[] values) =>
        MethodRegistry.Default.Get(method).Create(Options(method, values));
}
