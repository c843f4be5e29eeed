package io.servicegap.ingest;

import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/** The logical types of the input contract and the Spark types they are read into. */
public enum ColumnType {
  STRING(DataTypes.StringType),
  INT(DataTypes.IntegerType),
  DOUBLE(DataTypes.DoubleType),
  DECIMAL(DataTypes.createDecimalType(18, 2)),
  TIMESTAMP(DataTypes.TimestampType),
  DATE(DataTypes.DateType),
  BOOLEAN(DataTypes.BooleanType);

  private final DataType sparkType;

  ColumnType(DataType sparkType) {
    this.sparkType = sparkType;
  }

  public DataType sparkType() {
    return sparkType;
  }

  public String sqlName() {
    return sparkType.simpleString();
  }
}
