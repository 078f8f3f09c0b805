using MimeKit;

namespace ScanProxy.Notifications;

/// <summary>What counts as an e-mail address ScanProxy can send to or from.</summary>
internal static class MailAddresses
{
    /// <summary>True for one mailbox with a domain (<c>a@b.example</c> or <c>Name &lt;a@b.example&gt;</c>).</summary>
    public static bool IsValid(string? address) =>
        MailboxAddress.TryParse(address, out var mailbox) && !string.IsNullOrEmpty(mailbox.Domain);
}
