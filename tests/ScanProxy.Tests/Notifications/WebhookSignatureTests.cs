using System.Text;
using ScanProxy.Notifications;

namespace ScanProxy.Tests.Notifications;

public sealed class WebhookSignatureTests
{
    [Test]
    public void Signature_is_sha256_and_the_lower_case_hex_hmac_of_the_body()
    {
        // Computed independently: printf %s 'The quick brown fox jumps over the lazy dog' | openssl dgst -sha256 -hmac key
        var signature = WebhookSignature.Compute(
            Encoding.UTF8.GetBytes("key"),
            Encoding.UTF8.GetBytes("The quick brown fox jumps over the lazy dog"));

        Assert.That(signature, Is.EqualTo("sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"));
    }
}
