"""The application's request class: the temporary files of an upload are closed even when its form is refused.

Werkzeug closes the files of a parsed form when the request ends, but a form refused while it is parsed (413: a
text part over MAX_FORM_MEMORY_SIZE after the file parts) never becomes `request.files`, and the temporary files of
the parts already read stay open until the garbage collector finds them.
"""

from typing import IO

from flask import Request


class UploadClosingRequest(Request):
    def _get_file_stream(
        self,
        total_content_length: int | None,
        content_type: str | None,
        filename: str | None = None,
        content_length: int | None = None,
    ) -> IO[bytes]:
        stream = super()._get_file_stream(total_content_length, content_type, filename, content_length)
        self.__dict__.setdefault("_upload_streams", []).append(stream)
        return stream

    def close(self) -> None:
        super().close()
        for stream in self.__dict__.pop("_upload_streams", []):
            stream.close()
