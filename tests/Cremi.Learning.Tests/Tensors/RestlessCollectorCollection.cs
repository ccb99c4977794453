namespace Cremi.Learning.Tests.Tensors;

/// <summary>
/// Tests that collect and finalize without pause on another thread run in this collection, alone and after the
/// parallel ones: while such a collector runs, any other test's implicit Scalar (test code uses them freely, as in
/// <c>x * 0.2</c>) can be freed while libtorch reads it. CI once failed so, in another class's <c>add_(1)</c>.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RestlessCollectorCollection
{
    public const string Name = "restless collector";
}
