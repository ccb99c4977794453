using System.Runtime.CompilerServices;
using Cremi.Learning.Devices;

namespace Cremi.Learning.Tests;

/// <summary>
/// Some tests call TorchSharp directly; Cremi.Learning's module initializer (the oneDNN workaround) must still run
/// before their first torch call, exactly as it does in the product, so it is triggered when this assembly loads.
/// </summary>
internal static class LearningAssemblyLoader
{
    [ModuleInitializer]
    internal static void Load() => RuntimeHelpers.RunModuleConstructor(typeof(ComputeDevice).Module.ModuleHandle);
}
