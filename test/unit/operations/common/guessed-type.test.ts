// The gateway's guess of a Content-Type against the one Swift makes: Python's
// mimetypes (Debian's python3, the one the local Swift runs on), name by name.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { guessedContentType, parseMimeTypes } from '../../../../src/operations/common/guessed-type.js';

const NAMES = [
  'a.txt', 'b.TXT', 'c.tar.gz', 'd.gz', 'e.tgz', 'f', 'g.json', 'h.html', '.bashrc', 'dir.x/noext', 'i.svgz',
  'j.mp4', 'k.unknownext', 'm.webp', 'n.JPG', 'o.csv', 'p/q/r.pdf', 's.tar.bz2', 't.xz', 'u.png', 'v.css', 'w.js',
];

describe('guessedContentType', () => {
  it('guesses what Python\'s mimetypes (Swift\'s guess) guesses for each name', () => {
    const script = 'import json,mimetypes,sys\nprint(json.dumps([mimetypes.guess_type(n)[0] or "application/octet-stream" for n in json.loads(sys.argv[1])]))';
    const python = JSON.parse(execFileSync('/usr/bin/python3', ['-c', script, JSON.stringify(NAMES)], { encoding: 'utf8' })) as string[];
    expect(NAMES.map((n) => guessedContentType(n))).toEqual(python);
  });

  it('reads a mime.types table: comments, several extensions per type, nothing for a bare type', () => {
    const types = parseMimeTypes('# comment\ntext/plain txt text   # trailing\napplication/x-empty\nimage/png png\n');
    expect(guessedContentType('x.text', types)).toBe('text/plain');
    expect(guessedContentType('x.PNG', types)).toBe('image/png');
    expect(guessedContentType('x.empty', types)).toBe('application/octet-stream');
  });
});
