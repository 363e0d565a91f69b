import { pseudonym, redact } from '../../bot/redact';
import { ConfigError, loadConfig } from '../../bot/config';
import { checkActivityBody } from '../../bot/activity-check';
import { checkInput } from '../../dialogs/input-check';

describe('redact', () => {
  it.each([
    ['écrivez-moi à jean.dupont@example.fr', '[email]'],
    ['mon numéro 06 12 34 56 78', '[phone]'],
    ['+33 6 12 34 56 78', '[phone]'],
    ['IBAN FR76 3000 6000 0112 3456 7890 189', '[iban]'],
    ['sécu 1 85 05 78 006 084 36', '[nir]'],
    ['né le 12/03/1985', '[date]'],
    ['mon dossier AGDREF 9512345678', '[number]'],
  ])('removes the identifier in "%s"', (text, label) => {
    const out = redact(text);
    expect(out).toContain(label);
    expect(out).not.toMatch(/\d{4,}/);
  });
  it('leaves ordinary text alone', () => {
    expect(redact("j'ai perdu ma carte grise en 2024")).toBe("j'ai perdu ma carte grise en 2024");
  });
  it('gives stable pseudonyms that do not reveal the id', () => {
    expect(pseudonym('conv-123')).toBe(pseudonym('conv-123'));
    expect(pseudonym('conv-123')).not.toContain('123');
    expect(pseudonym('conv-124')).not.toBe(pseudonym('conv-123'));
  });
});

describe('config', () => {
  it('defaults to port 3978, open authentication, a data folder', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3978);
    expect(c.microsoftAppId).toBe('');
    expect(c.microsoftAppType).toBe('MultiTenant');
    expect(c.dataDir).toMatch(/data$/);
  });
  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ MicrosoftAppType: 'Weird' }, 'MicrosoftAppType'],
    [{ MicrosoftAppType: 'SingleTenant' }, 'MicrosoftAppId'],
    [{ MicrosoftAppType: 'SingleTenant', MicrosoftAppId: 'x', MicrosoftAppPassword: 'y' }, 'MicrosoftAppTenantId'],
    [{ MicrosoftAppId: 'x' }, 'MicrosoftAppPassword'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
  ])('refuses %j naming %s', (env, variable) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    try {
      loadConfig(env);
    } catch (err) {
      expect((err as ConfigError).variable).toBe(variable);
    }
  });
});

describe('activity body check', () => {
  const ok = { type: 'message', conversation: { id: 'c' }, serviceUrl: 'http://localhost:1' };
  it('accepts a well-formed activity', () => expect(checkActivityBody(ok)).toBeUndefined());
  it.each([null, 'text', 42, [], { ...ok, type: '' }, { ...ok, conversation: null }, { ...ok, serviceUrl: 'ftp://x' }, { ...ok, attachments: 'x' }, { ...ok, from: 'me' }])(
    'refuses %j with a 400',
    (body) => expect(checkActivityBody(body)?.status).toBe(400),
  );
});

describe('input check', () => {
  it.each([
    [{ text: '' }, 'empty'],
    [{ text: '  ' }, 'empty'],
    [{ text: '', attachments: [{ contentType: 'image/png' }] }, 'attachment'],
    [{ text: '🙂🙂' }, 'noText'],
    [{ text: 'x'.repeat(2001) }, 'tooLong'],
    [{ text: 'carte grise' }, undefined],
  ])('%j is %s', (activity, problem) => expect(checkInput(activity, 2000)).toBe(problem));
});
