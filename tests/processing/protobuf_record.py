"""The RecordIO `Record` message (aialgs.data, as SDK v2's record.proto defined it) as a protobuf runtime class,
built from a FileDescriptorProto: no protoc, no generated files. Shared by the recordio tests' cross-check and the
benchmark's per-record baseline. Needs the protobuf package (the dev venv has it through the SDK)."""

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory


def record_class():
    """aialgs.data.Record."""
    field = descriptor_pb2.FieldDescriptorProto
    proto = descriptor_pb2.FileDescriptorProto(name="aialgs_record.proto", package="aialgs.data", syntax="proto2")
    for name, value_type in (("Float32Tensor", field.TYPE_FLOAT), ("Float64Tensor", field.TYPE_DOUBLE),
                             ("Int32Tensor", field.TYPE_INT32)):  # fmt: skip
        message = proto.message_type.add(name=name)
        for number, (field_name, kind) in enumerate(
            [("values", value_type), ("keys", field.TYPE_UINT64), ("shape", field.TYPE_UINT64)], start=1
        ):
            message.field.add(
                name=field_name, number=number, type=kind, label=field.LABEL_REPEATED
            ).options.packed = True
    message = proto.message_type.add(name="Bytes")
    message.field.add(name="value", number=1, type=field.TYPE_BYTES, label=field.LABEL_REPEATED)
    message.field.add(name="content_type", number=2, type=field.TYPE_STRING, label=field.LABEL_OPTIONAL)
    message = proto.message_type.add(name="Value")
    message.oneof_decl.add(name="value")
    for name, number, type_name in (("float32_tensor", 2, "Float32Tensor"), ("float64_tensor", 3, "Float64Tensor"),
                                    ("int32_tensor", 7, "Int32Tensor"), ("bytes", 9, "Bytes")):  # fmt: skip
        message.field.add(name=name, number=number, type=field.TYPE_MESSAGE, label=field.LABEL_OPTIONAL,
                          type_name=f".aialgs.data.{type_name}", oneof_index=0)  # fmt: skip
    record = proto.message_type.add(name="Record")
    for name, number in (("features", 1), ("label", 2)):
        entry = record.nested_type.add(name=f"{name.capitalize()}Entry")
        entry.options.map_entry = True
        entry.field.add(name="key", number=1, type=field.TYPE_STRING, label=field.LABEL_OPTIONAL)
        entry.field.add(name="value", number=2, type=field.TYPE_MESSAGE, label=field.LABEL_OPTIONAL,
                        type_name=".aialgs.data.Value")  # fmt: skip
        record.field.add(name=name, number=number, type=field.TYPE_MESSAGE, label=field.LABEL_REPEATED,
                         type_name=f".aialgs.data.Record.{entry.name}")  # fmt: skip
    for name, number in (("uid", 3), ("metadata", 4), ("configuration", 5)):
        record.field.add(name=name, number=number, type=field.TYPE_STRING, label=field.LABEL_OPTIONAL)
    pool = descriptor_pool.DescriptorPool()
    pool.Add(proto)
    return message_factory.GetMessageClass(pool.FindMessageTypeByName("aialgs.data.Record"))
