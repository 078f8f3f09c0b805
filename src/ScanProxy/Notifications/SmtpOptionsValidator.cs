using Microsoft.Extensions.Options;
using MimeKit;

namespace ScanProxy.Notifications;

/// <summary>Rejects SMTP settings that could never send a mail, naming the field.</summary>
internal sealed class SmtpOptionsValidator : IValidateOptions<SmtpOptions>
{
    public ValidateOptionsResult Validate(string? name, SmtpOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);

        // No host means e-mail is not set up; that is allowed as long as no zone asks for e-mails,
        // and such e-mails wait in the outbox with a logged reason.
        if (string.IsNullOrWhiteSpace(options.Host))
        {
            return ValidateOptionsResult.Success;
        }

        var failures = new List<string>();
        if (options.Port is < 1 or > 65535)
        {
            failures.Add($"{SmtpOptions.SectionName}:Port must be between 1 and 65535, not {options.Port}.");
        }

        if (!MailboxAddress.TryParse(options.From, out _))
        {
            failures.Add($"{SmtpOptions.SectionName}:From must be an e-mail address, not '{options.From}'.");
        }

        if (!Enum.IsDefined(options.Security))
        {
            failures.Add($"{SmtpOptions.SectionName}:Security must be None, StartTls or Tls.");
        }

        if (string.IsNullOrEmpty(options.UserName) && !string.IsNullOrEmpty(options.Password))
        {
            failures.Add($"{SmtpOptions.SectionName}:Password is set but UserName is not.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
