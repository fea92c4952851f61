using BenchmarkDotNet.Running;

// Every benchmark class in this assembly (one file per area); pick with --filter, e.g.
//   dotnet run -c Release --project bench/Inspecta.Benchmarks -- --filter '*Classical*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
