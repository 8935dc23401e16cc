using Xunit;
using Xunit.Sdk;

namespace QuicActors.TestKit;

/// <summary>A <c>[Theory]</c> whose rows may call <see cref="Skip"/> to report themselves skipped, with the reason, at run time.</summary>
[XunitTestCaseDiscoverer("QuicActors.TestKit.Internal.SkippableTheoryDiscoverer", "QuicActors.TestKit")]
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class SkippableTheoryAttribute : TheoryAttribute;
