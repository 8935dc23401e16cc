using Xunit;
using Xunit.Sdk;

namespace QuicActors.TestKit;

/// <summary>A <c>[Fact]</c> that may call <see cref="Skip"/> to report itself skipped, with its reason, at run time.</summary>
[XunitTestCaseDiscoverer("QuicActors.TestKit.Internal.SkippableFactDiscoverer", "QuicActors.TestKit")]
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class SkippableFactAttribute : FactAttribute;
