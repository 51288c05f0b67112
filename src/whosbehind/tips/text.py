"""Every sentence the tip pages show, in English and Spanish, in one place (so it can move to a catalogue later).

``tr(lang)`` gives a function that looks a key up in that language, falling back to English.
"""

from __future__ import annotations

from collections.abc import Callable

LANGS = ("en", "es")

STRINGS: dict[str, dict[str, str]] = {
    "title": {"en": "Send a tip", "es": "Enviar una pista"},
    "intro": {
        "en": "If you work for a company, reseller or bank and know of a contract, a hosting arrangement or a "
              "payment tied to ICE, CBP or DHS that no public record shows, you can tell us here. You do not need "
              "an account, an e-mail address or your name.",
        "es": "Si trabajas para una empresa, un revendedor o un banco y sabes de un contrato, un alojamiento o un "
              "pago ligado a ICE, CBP o DHS que ningún registro público muestra, puedes contárnoslo aquí. No "
              "necesitas cuenta, correo electrónico ni tu nombre.",
    },
    "kept_title": {"en": "What is kept, and what is not", "es": "Qué se guarda y qué no"},
    "kept_1": {
        "en": "Your message and files are encrypted as they arrive, so that only our moderators can read them, on "
              "their own computers. The server cannot read them.",
        "es": "Tu mensaje y tus archivos se cifran al llegar, de modo que solo nuestros moderadores pueden leerlos, "
              "en sus propios ordenadores. El servidor no puede leerlos.",
    },
    "kept_2": {
        "en": "We keep no IP address, no browser details, no time of day: only the date the tip arrived. Tips are "
              "deleted after {days} days unless a moderator keeps one; deletion destroys the tip's key.",
        "es": "No guardamos dirección IP, ni datos del navegador, ni la hora: solo la fecha en que llegó la pista. "
              "Las pistas se borran a los {days} días salvo que un moderador conserve una; borrarla destruye su "
              "clave.",
    },
    "kept_3": {
        "en": "We remove hidden details from photos (location, camera, time), PDFs and Word, Excel and PowerPoint "
              "files (author, company, dates) and give files a neutral name. We cannot remove what a file shows "
              "(names, a letterhead, a watermark) and we do not change other kinds of files: look at a file before "
              "you send it.",
        "es": "Quitamos los datos ocultos de fotos (ubicación, cámara, hora), PDF y archivos de Word, Excel y "
              "PowerPoint (autor, empresa, fechas) y damos a los archivos un nombre neutro. No podemos quitar lo que "
              "un archivo muestra (nombres, un membrete, una marca de agua) ni cambiamos otros tipos de archivo: "
              "revisa un archivo antes de enviarlo.",
    },
    "kept_4": {
        "en": "A tip alone is never published. We use it to look for a public record (a contract, a filing); only "
              "that record is ever shown, never the tip.",
        "es": "Una pista sola nunca se publica. La usamos para buscar un registro público (un contrato, una "
              "declaración); solo se muestra ese registro, nunca la pista.",
    },
    "safety": {
        "en": "For more safety: do not use a work computer, phone or network; use the Tor Browser; do not send "
              "documents only a few people could have.",
        "es": "Para más seguridad: no uses un ordenador, teléfono o red del trabajo; usa el navegador Tor; no "
              "envíes documentos que solo unas pocas personas podrían tener.",
    },
    "message": {"en": "Your message", "es": "Tu mensaje"},
    "files": {"en": "Files (optional, at most {files}, {mb} MB in all)",
              "es": "Archivos (opcional, como máximo {files}, {mb} MB en total)"},
    "honeypot": {"en": "Leave this field empty", "es": "Deja este campo vacío"},
    "send": {"en": "Send the tip", "es": "Enviar la pista"},
    "status_link": {"en": "Already sent a tip? Check its status with your codename.",
                    "es": "¿Ya enviaste una pista? Consulta su estado con tu nombre en clave."},
    "other_lang": {"en": "En español", "es": "In English"},
    "closed": {"en": "The tip line is not open yet.", "es": "La línea de pistas aún no está abierta."},
    "sent_title": {"en": "Your tip was received", "es": "Recibimos tu pista"},
    "codename_is": {"en": "Your codename:", "es": "Tu nombre en clave:"},
    "codename_keep": {
        "en": "Write it down and keep it somewhere safe. It is the only way to read our replies, and we cannot "
              "show it to you again or recover it: we do not store it.",
        "es": "Anótalo y guárdalo en un lugar seguro. Es la única forma de leer nuestras respuestas, y no podemos "
              "mostrártelo de nuevo ni recuperarlo: no lo guardamos.",
    },
    "files_title": {"en": "Your files", "es": "Tus archivos"},
    "status_title": {"en": "Status of your tip", "es": "Estado de tu pista"},
    "codename": {"en": "Codename", "es": "Nombre en clave"},
    "check": {"en": "Check", "es": "Consultar"},
    "wrong_codename": {"en": "No tip has this codename. Check the words and try again.",
                       "es": "Ninguna pista tiene ese nombre en clave. Revisa las palabras y vuelve a intentarlo."},
    "received_on": {"en": "Received on", "es": "Recibida el"},
    "state": {"en": "Status", "es": "Estado"},
    "delete_on": {"en": "Will be deleted on", "es": "Se borrará el"},
    "kept_by_moderator": {"en": "kept by a moderator", "es": "conservada por un moderador"},
    "replies": {"en": "Replies", "es": "Respuestas"},
    "no_replies": {"en": "No reply yet.", "es": "Todavía no hay respuesta."},
    "st_received": {"en": "received, not read yet", "es": "recibida, aún sin leer"},
    "st_read": {"en": "read by a moderator", "es": "leída por un moderador"},
    "st_replied": {"en": "a moderator replied", "es": "un moderador respondió"},
    "st_linked": {"en": "checked against a public record", "es": "contrastada con un registro público"},
    "kind_link": {"en": "public record", "es": "registro público"},
    "too_many": {"en": "Too many tips are arriving right now. Please try again in a few minutes.",
                 "es": "Están llegando demasiadas pistas ahora mismo. Vuelve a intentarlo en unos minutos."},
    "bad_empty": {"en": "The message is empty.", "es": "El mensaje está vacío."},
    "bad_long": {"en": "The message is too long (at most {chars} characters).",
                 "es": "El mensaje es demasiado largo (como máximo {chars} caracteres)."},
    "bad_size": {"en": "The tip is too large (at most {mb} MB with its files).",
                 "es": "La pista es demasiado grande (como máximo {mb} MB con sus archivos)."},
    "bad_files": {"en": "Too many files (at most {files}).", "es": "Demasiados archivos (como máximo {files})."},
    "bad_form": {"en": "The form could not be read. Please send it again.",
                 "es": "No se pudo leer el formulario. Vuelve a enviarlo."},
    "cleaned_image": {"en": "hidden details removed (location, camera, time)",
                      "es": "datos ocultos quitados (ubicación, cámara, hora)"},
    "cleaned_pdf": {"en": "document details removed (author, program, dates)",
                    "es": "datos del documento quitados (autor, programa, fechas)"},
    "cleaned_office": {"en": "document properties removed (author, company, dates)",
                       "es": "propiedades del documento quitadas (autor, empresa, fechas)"},
    "left_image": {"en": "what the picture itself shows is unchanged",
                   "es": "lo que muestra la imagen no cambia"},
    "left_pdf": {"en": "not removed: images and fonts inside the PDF, and what its pages show",
                 "es": "no se quitó: imágenes y fuentes dentro del PDF, y lo que muestran sus páginas"},
    "left_office": {"en": "not removed: comments, tracked changes, and images inside the document",
                    "es": "no se quitó: comentarios, control de cambios e imágenes dentro del documento"},
    "left_other": {"en": "we could not remove anything from this kind of file: it is stored as you sent it",
                   "es": "no pudimos quitar nada de este tipo de archivo: se guarda tal como lo enviaste"},
}


def pick_lang(value: str | None) -> str:
    return value if value in LANGS else "en"


def tr(lang: str) -> Callable[..., str]:
    lang = pick_lang(lang)

    def t(key: str, **values: object) -> str:
        entry = STRINGS[key]
        text = entry.get(lang) or entry["en"]
        return text.format(**values) if values else text

    return t
